"""Apache Thrift's Python library (which we did not write) serving the test service of
`msgwire check thrift-server` (conformance/live/thrift/conformance.thrift, docs/live/thrift.md):
the library's generated processor and its server decide every reply; this file only holds the
handler (echo methods, the declared exception, the oneway note).

    python thrift_python_server.py GEN_PY_DIR PORT binary|compact framed|buffered|header

`header`: THeaderProtocolFactory over the bare socket (THeader frames only: the client type
HEADERS; the protocol each frame's header names, replies in it).

GEN_PY_DIR holds the code `thrift --gen py conformance.thrift` wrote (.ci/peers/thrift-servers.sh
generates it). Serves 127.0.0.1:PORT with TThreadedServer, prints "ready"; exits after
MSGWIRE_LIVE_LIFETIME seconds (default 600).
"""
import os
import sys
import threading

sys.path.insert(0, sys.argv[1])

from msgwire_conformance import Conformance  # noqa: E402
from msgwire_conformance.ttypes import Oops  # noqa: E402
from thrift.protocol import TBinaryProtocol, TCompactProtocol  # noqa: E402
from thrift.protocol.THeaderProtocol import THeaderProtocolFactory  # noqa: E402
from thrift.transport.THeaderTransport import THeaderClientType, THeaderSubprotocolID  # noqa: E402
from thrift.server import TServer  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402


class Handler(object):
    def __init__(self):
        self.last_note = ""

    def ping(self):
        pass

    def fail(self, code, why):
        raise Oops(code=code, why=why)

    def note(self, v):
        self.last_note = v

    def lastNote(self):
        return self.last_note


def echo(self, v):
    return v


for name in ("Bool", "Byte", "I16", "I32", "I64", "Double", "String", "Binary", "Struct",
             "Union", "List", "Set", "Map"):
    setattr(Handler, "echo" + name, echo)

port, protocol, transport = int(sys.argv[2]), sys.argv[3], sys.argv[4]
protocols = {
    "binary": TBinaryProtocol.TBinaryProtocolFactory(),
    "compact": TCompactProtocol.TCompactProtocolFactory(),
}
transports = {
    "framed": TTransport.TFramedTransportFactory(),
    "buffered": TTransport.TBufferedTransportFactory(),
    # THeaderTransport does its own framing, straight on the socket.
    "header": TTransport.TTransportFactoryBase(),
}
if transport == "header":
    protocols[protocol] = THeaderProtocolFactory(
        allowed_client_types=(THeaderClientType.HEADERS,),
        default_protocol={"binary": THeaderSubprotocolID.BINARY,
                          "compact": THeaderSubprotocolID.COMPACT}[protocol],
    )
lifetime = float(os.environ.get("MSGWIRE_LIVE_LIFETIME", "600"))
threading.Timer(lifetime, lambda: os._exit(0)).start()
server = TServer.TThreadedServer(
    Conformance.Processor(Handler()),
    TSocket.TServerSocket(host="127.0.0.1", port=port),
    transports[transport],
    protocols[protocol],
    daemon=True,
)
print("ready", flush=True)
server.serve()
