// Apache Thrift's C++ library (Debian's libthrift-dev, which we did not write) serving the test
// service of `msgwire check thrift-server` (conformance/live/thrift/conformance.thrift,
// docs/live/thrift.md): the generated processor and TThreadedServer decide every reply; this
// file only holds the handler (echo methods, the declared exception, the oneway note).
//
//   thrift_cpp_server PORT binary|compact framed|buffered|header
//
// `header`: THeaderProtocolFactory over the bare socket (THeaderTransport frames and reads
// itself; each reply in the protocol the call's header named). Needs -lthriftz.
//
// Built by .ci/peers/thrift-servers.sh against the code `thrift --gen cpp` writes. Serves
// 127.0.0.1:PORT, prints "ready"; exits after MSGWIRE_LIVE_LIFETIME seconds (default 600).

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <chrono>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>

#include "Conformance.h"

using namespace apache::thrift;
using namespace msgwire_conformance;

class Handler : public ConformanceIf {
  std::mutex lock_;
  std::string last_note_;

public:
  void ping() override {}
  bool echoBool(const bool v) override { return v; }
  int8_t echoByte(const int8_t v) override { return v; }
  int16_t echoI16(const int16_t v) override { return v; }
  int32_t echoI32(const int32_t v) override { return v; }
  int64_t echoI64(const int64_t v) override { return v; }
  double echoDouble(const double v) override { return v; }
  void echoString(std::string& out, const std::string& v) override { out = v; }
  void echoBinary(std::string& out, const std::string& v) override { out = v; }
  void echoStruct(Everything& out, const Everything& v) override { out = v; }
  void echoUnion(Choice& out, const Choice& v) override { out = v; }
  void echoList(std::vector<std::vector<int32_t>>& out,
                const std::vector<std::vector<int32_t>>& v) override { out = v; }
  void echoSet(std::set<int64_t>& out, const std::set<int64_t>& v) override { out = v; }
  void echoMap(std::map<std::string, std::map<int32_t, std::vector<std::string>>>& out,
               const std::map<std::string, std::map<int32_t, std::vector<std::string>>>& v)
      override {
    out = v;
  }
  void fail(const int32_t code, const std::string& why) override {
    Oops e;
    e.code = code;
    e.why = why;
    throw e;
  }
  void note(const std::string& v) override {
    std::lock_guard<std::mutex> g(lock_);
    last_note_ = v;
  }
  void lastNote(std::string& out) override {
    std::lock_guard<std::mutex> g(lock_);
    out = last_note_;
  }
};

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT binary|compact framed|buffered|header\n", argv[0]);
    return 2;
  }
  int port = std::atoi(argv[1]);
  std::shared_ptr<protocol::TProtocolFactory> protocol;
  if (std::strcmp(argv[2], "binary") == 0) {
    protocol = std::make_shared<protocol::TBinaryProtocolFactory>();
  } else if (std::strcmp(argv[2], "compact") == 0) {
    protocol = std::make_shared<protocol::TCompactProtocolFactory>();
  } else {
    return 2;
  }
  std::shared_ptr<transport::TTransportFactory> framing;
  if (std::strcmp(argv[3], "framed") == 0) {
    framing = std::make_shared<transport::TFramedTransportFactory>();
  } else if (std::strcmp(argv[3], "buffered") == 0) {
    framing = std::make_shared<transport::TBufferedTransportFactory>();
  } else if (std::strcmp(argv[3], "header") == 0) {
    framing = std::make_shared<transport::TTransportFactory>();
    protocol = std::make_shared<protocol::THeaderProtocolFactory>();
  } else {
    return 2;
  }
  const char* life = std::getenv("MSGWIRE_LIVE_LIFETIME");
  int lifetime = life ? std::atoi(life) : 600;
  std::thread([lifetime] {
    std::this_thread::sleep_for(std::chrono::seconds(lifetime));
    std::_Exit(0);
  }).detach();
  server::TThreadedServer server(
      std::make_shared<ConformanceProcessor>(std::make_shared<Handler>()),
      std::make_shared<transport::TServerSocket>("127.0.0.1", port), framing, protocol);
  std::printf("ready\n");
  std::fflush(stdout);
  server.serve();
  return 0;
}
