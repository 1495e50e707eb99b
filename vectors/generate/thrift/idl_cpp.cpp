// The C++ peer of vectors/generate/thrift/idl_vectors.py: Apache Thrift's C++ library (Debian
// libthrift-dev) with code generated from conformance.thrift. Its generated client writes the
// same calls as the Python peer, its generated processor answers them with the same handler;
// one line per message on stdout: `id protocol hex`. Built and run by run.sh.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/protocol/TJSONProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "Conformance.h"

using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TCompactProtocol;
using apache::thrift::protocol::THeaderProtocol;
using apache::thrift::protocol::TJSONProtocol;
using apache::thrift::protocol::TMessageType;
using apache::thrift::protocol::TProtocol;
using apache::thrift::transport::TMemoryBuffer;
using namespace conformance;

class Handler : public ConformanceIf {
 public:
  void ping() override {}
  void log(const std::string&) override {}
  int32_t add(const int32_t a, const int32_t b) override {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
  }
  void echo(Everything& out, const Everything& e) override { out = e; }
  void lookup(std::string& out, const std::string& key) override {
    if (key == "missing") {
      NotFound nf;
      nf.__set_item(key);
      nf.__set_code(404);
      throw nf;
    }
    if (key.empty()) {
      Invalid inv;
      inv.__set_why("empty key");
      throw inv;
    }
    if (key == "crash") throw std::runtime_error("the handler failed");
    out = "value of " + key;
  }
  void pick(Choice& out, const Choice& c) override { out = c; }
  void points(std::vector<Point>& out, const std::map<std::string, Point>& by_name,
              const std::set<int64_t>&) override {
    for (const auto& kv : by_name) out.push_back(kv.second);
  }
};

static Point point(double x, double y) {
  Point p;
  p.__set_x(x);
  p.__set_y(y);
  return p;
}

static Inner inner(int32_t level) {
  Inner i;
  i.__set_level(level);
  return i;
}

// The value idl_vectors.py's everything() builds.
static Everything everything() {
  Scalars s;
  s.__set_yes(true);
  s.__set_no(false);
  s.__set_tiny(-128);
  s.__set_small(-32768);
  s.__set_medium(2147483647);
  s.__set_large(INT64_MIN);
  s.__set_real(-0.0);
  s.__set_text("h\xc3\xa9llo \xe2\x9c\x93");
  s.__set_blob(std::string("\x00\xff\x80", 3));
  s.__set_color(Color::BLUE);
  s.__set_stamp(1700000000000LL);

  Defaults d;
  d.__set_needed("required");
  d.__set_maybe_list({});

  Choice ch;
  ch.__set_point(point(0.5, -1e300));

  Containers c;
  c.__set_ints({1, -2, 2147483647});
  c.__set_tags({"b"});
  c.__set_counts({{"k", 1}});
  c.__set_flags({true, false, true});
  c.__set_nested({{1, -1}, {}});
  c.__set_points({{7, point(1.0, 2.0)}});
  c.__set_empty({});
  std::map<int16_t, std::set<int32_t>> m1{{3, {4}}};
  std::map<int16_t, std::set<int32_t>> m2;
  c.__set_deep({{"d", {m1, m2}}});
  c.__set_doubles({0.25, 1e-300});
  c.__set_colors({Color::RED});
  c.__set_blobs({{true, "\x01"}});
  c.__set_none({});
  std::vector<std::string> many;
  for (int i = 0; i < 16; i++) many.push_back("item " + std::to_string(i));
  c.__set_many(many);

  Middle mid;
  mid.__set_inner(inner(3));
  mid.__set_inners({inner(4)});
  Outer o;
  o.__set_middle(mid);
  o.__set_implicit_id(-5);
  o.__set_far_id("far");

  Everything e;
  e.__set_scalars(s);
  e.__set_defaults(d);
  e.__set_choice(ch);
  e.__set_containers(c);
  e.__set_outer(o);
  return e;
}

static std::string hex(const std::string& b) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : b) {
    out += digits[ch >> 4];
    out += digits[ch & 15];
  }
  return out;
}

template <class P>
static void run(const char* pname) {
  struct Call {
    const char* id;
    bool oneway;
    void (*send)(ConformanceClient&, TProtocol&);
  };
  const Call calls[] = {
      {"ping", false, [](ConformanceClient& c, TProtocol&) { c.send_ping(); }},
      {"log-oneway", true, [](ConformanceClient& c, TProtocol&) { c.send_log("hello"); }},
      {"add", false, [](ConformanceClient& c, TProtocol&) { c.send_add(1, 2); }},
      {"add-overflow", false, [](ConformanceClient& c, TProtocol&) { c.send_add(2147483647, 1); }},
      {"echo-everything", false, [](ConformanceClient& c, TProtocol&) { c.send_echo(everything()); }},
      {"lookup-found", false, [](ConformanceClient& c, TProtocol&) { c.send_lookup("key"); }},
      {"lookup-not-found", false, [](ConformanceClient& c, TProtocol&) { c.send_lookup("missing"); }},
      {"lookup-invalid", false, [](ConformanceClient& c, TProtocol&) { c.send_lookup(""); }},
      {"lookup-handler-fails", false, [](ConformanceClient& c, TProtocol&) { c.send_lookup("crash"); }},
      {"pick-number", false,
       [](ConformanceClient& c, TProtocol&) {
         Choice ch;
         ch.__set_number(-1);
         c.send_pick(ch);
       }},
      {"pick-text", false,
       [](ConformanceClient& c, TProtocol&) {
         Choice ch;
         ch.__set_text("");
         c.send_pick(ch);
       }},
      {"points", false,
       [](ConformanceClient& c, TProtocol&) {
         c.send_points({{"a", point(1.5, 2.5)}}, {INT64_MAX});
       }},
      {"unknown-method", false,
       [](ConformanceClient&, TProtocol& p) {
         // No client method: the call a newer client would make, written by hand.
         p.writeMessageBegin("nosuch", TMessageType::T_CALL, 0);
         p.writeStructBegin("nosuch_args");
         p.writeFieldStop();
         p.writeStructEnd();
         p.writeMessageEnd();
         p.getTransport()->flush();
       }},
  };
  for (const Call& call : calls) {
    auto out = std::make_shared<TMemoryBuffer>();
    auto oprot = std::make_shared<P>(out);
    ConformanceClient client(oprot);
    call.send(client, *oprot);
    std::string bytes = out->getBufferAsString();
    std::printf("%s/call %s %s\n", call.id, pname, hex(bytes).c_str());
    if (call.oneway) continue;
    auto in = std::make_shared<TMemoryBuffer>(
        reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data())),
        static_cast<uint32_t>(bytes.size()), TMemoryBuffer::COPY);
    auto reply = std::make_shared<TMemoryBuffer>();
    ConformanceProcessor processor(std::make_shared<Handler>());
    try {
      processor.process(std::make_shared<P>(in), std::make_shared<P>(reply), nullptr);
    } catch (const std::exception& e) {
      // The library refused its own client's call: no reply; idl_vectors.py records it.
      std::string what = e.what();
      for (char& c : what) if (c == ' ') c = '_';
      std::printf("%s/reply %s refused:%s\n", call.id, pname, what.c_str());
      continue;
    }
    std::printf("%s/reply %s %s\n", call.id, pname, hex(reply->getBufferAsString()).c_str());
  }
}

// THeader: a few calls through THeaderProtocol with protocol id `pid` (0 binary, 2 compact) and
// the info headers idl_vectors.py's HEADER_CALLS names; each reply written by the processor
// through the THeaderProtocol that read the call (one protocol object for both directions, as
// THeaderProtocolFactory makes it for a server). Lines `header-<id> protocol hex`.
static void run_header(uint16_t pid, const char* pname) {
  struct Call {
    const char* id;
    std::vector<std::pair<std::string, std::string>> info;
    void (*send)(ConformanceClient&, TProtocol&);
  };
  const Call calls[] = {
      {"ping", {}, [](ConformanceClient& c, TProtocol&) { c.send_ping(); }},
      {"add", {{"trace", "abc"}}, [](ConformanceClient& c, TProtocol&) { c.send_add(1, 2); }},
      {"echo-everything", {{"a", ""}, {"", std::string("\x00\xff", 2)}},
       [](ConformanceClient& c, TProtocol&) { c.send_echo(everything()); }},
      {"lookup-not-found", {{"trace", std::string(130, 'x')}},
       [](ConformanceClient& c, TProtocol&) { c.send_lookup("missing"); }},
      {"unknown-method", {},
       [](ConformanceClient&, TProtocol& p) {
         p.writeMessageBegin("nosuch", TMessageType::T_CALL, 0);
         p.writeStructBegin("nosuch_args");
         p.writeFieldStop();
         p.writeStructEnd();
         p.writeMessageEnd();
         p.getTransport()->flush();
       }},
  };
  for (const Call& call : calls) {
    auto out = std::make_shared<TMemoryBuffer>();
    auto oprot = std::make_shared<THeaderProtocol>(out, pid);
    for (const auto& kv : call.info) oprot->setHeader(kv.first, kv.second);
    ConformanceClient client(oprot);
    call.send(client, *oprot);
    std::string bytes = out->getBufferAsString();
    std::printf("header-%s/call %s %s\n", call.id, pname, hex(bytes).c_str());
    auto in = std::make_shared<TMemoryBuffer>(
        reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data())),
        static_cast<uint32_t>(bytes.size()), TMemoryBuffer::COPY);
    auto reply = std::make_shared<TMemoryBuffer>();
    auto prot = std::make_shared<THeaderProtocol>(in, reply);
    ConformanceProcessor processor(std::make_shared<Handler>());
    processor.process(prot, prot, nullptr);
    std::printf("header-%s/reply %s %s\n", call.id, pname, hex(reply->getBufferAsString()).c_str());
  }
}

int main() {
  run<TBinaryProtocol>("binary");
  run<TCompactProtocol>("compact");
  run<TJSONProtocol>("json");
  run_header(0, "binary");
  run_header(2, "compact");
  return 0;
}
