"""Kernel websockets without Nagle's delay: every message of a slider's update leaves the server at once.

A slider's move comes back from the kernel as several small websocket messages (busy, the widget's echo,
the explorer's Bokeh patch, the readout, idle). Jupyter Server does not set ``TCP_NODELAY`` on its kernel
websockets (tornado's default is off: "small messages may be delayed and/or combined", tornado
``WebSocketHandler.set_nodelay``), so after the first small message the next waits until the receiver
acknowledges it, and Linux delays that acknowledgement by up to 40 ms. Measured on the kit's hub
(``hub/load.py``, one learner, a ``pass`` cell through the kernel's websocket): 52 ms a round trip without
it, 9 ms with it; the explorer's update itself takes 3 ms. Browsers set ``TCP_NODELAY`` on their side; this
sets it on the server's.

A server extension (``jupyter-config/jupyter_server_config.d/compute_econ.json`` enables it for every Jupyter
server in the kit's environment: ``make lab``, the hub's learner servers, Binder): it wraps
``KernelWebsocketHandler.open`` (jupyter_server 2, ``services/kernels/websocket.py``) to call tornado's
``set_nodelay(True)`` first. If a later Jupyter Server sets it itself, this does nothing more.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

_MARK = "_compute_econ_nodelay"


def enable_nodelay(handler_class: Any) -> bool:
    """Make ``handler_class.open`` set ``TCP_NODELAY`` on its websocket first; ``False`` if it already did."""
    if getattr(handler_class, _MARK, False):
        return False
    original = handler_class.open

    @functools.wraps(original)
    async def open(self: Any, *args: Any, **kwargs: Any) -> Any:
        self.set_nodelay(True)
        result = original(self, *args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    handler_class.open = open
    setattr(handler_class, _MARK, True)
    return True


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "widgets.nodelay"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Set ``TCP_NODELAY`` on every kernel websocket of this server (called by Jupyter Server)."""
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    if enable_nodelay(KernelWebsocketHandler):
        serverapp.log.info("compute-econ: kernel websockets send each message at once (TCP_NODELAY)")
