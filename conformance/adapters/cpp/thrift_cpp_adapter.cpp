// msgwire adapter for Apache Thrift's C++ library (Debian libthrift-dev), mapped to and from the
// canonical form of Thrift messages (docs/forms/thrift.md).
//
// Decode reads every message of the input as a C++ server reads one: readMessageBegin, then the
// body through the library's generic TProtocol reader (readFieldBegin, readListBegin, ...; a
// TInputRecursionTracker per struct and container, as generated code has, so the library's
// recursion limit applies), readMessageEnd, until the input is used up. Each message is read in
// the protocol its first byte names (0x82 compact, '[' TJSONProtocol, else binary: the form's
// convention; strings through readString/writeString, so a JSON str is its own text); the
// binary reader is TBinaryProtocol's default (strict_read false: the old header too). Profiles:
// strict and lenient (the library has one reading), framed (a TFramedTransport). Encode writes
// each document with the same protocol's writer, in its `protocol`.
//
// Errors: kind TProtocolException (code: its type), TTransportException, or TException.
// Usage: thrift_cpp_adapter decode|encode thrift, or serve (conformance/README.md).
// Built by scripts/compliance.sh: cc -c main.c, then
//   g++ -std=c++17 thrift_cpp_adapter.cpp main.o -lthrift -ljansson
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <jansson.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/TJSONProtocol.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TTransportException.h>

using apache::thrift::TException;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TCompactProtocol;
using apache::thrift::protocol::TJSONProtocol;
using apache::thrift::protocol::TInputRecursionTracker;
using apache::thrift::protocol::TMessageType;
using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TProtocolException;
using apache::thrift::protocol::TType;
using apache::thrift::transport::TFramedTransport;
using apache::thrift::transport::TMemoryBuffer;
using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportException;
namespace tp = apache::thrift::protocol;

// contract.h's types and codes (main.c includes it; C linkage).
extern "C" {
struct out {
  unsigned char* data;
  size_t len, cap;
};
int adapter_decode(const char* protocol, const char* profile, const unsigned char* in, size_t len,
                   json_t* docs, json_t** error);
int adapter_encode(const char* protocol, const char* profile, json_t* docs, struct out* out,
                   json_t** error);
}
enum { OK = 0, REJECTED = 1, UNSUPPORTED = 3 };

// A framed transport that says how much of the current frame is unread.
struct Framed : TFramedTransport {
  using TFramedTransport::TFramedTransport;
  uint32_t left() const { return static_cast<uint32_t>(rBound_ - rBase_); }
  const uint8_t* next() const { return rBase_; }
};

static json_t* error_doc(const char* kind, bool has_code, int code, const std::string& message) {
  json_t* e = json_object();
  json_object_set_new(e, "kind", json_string(kind));
  if (has_code) json_object_set_new(e, "code", json_integer(code));
  json_t* m = json_stringn(message.data(), message.size());
  json_object_set_new(e, "message", m ? m : json_string("(not UTF-8)"));
  return e;
}

static const char* type_name(TType t) {
  switch (t) {
    case tp::T_BOOL: return "bool";
    case tp::T_BYTE: return "byte";
    case tp::T_I16: return "i16";
    case tp::T_I32: return "i32";
    case tp::T_I64: return "i64";
    case tp::T_DOUBLE: return "double";
    case tp::T_STRING: return "binary";
    case tp::T_STRUCT: return "struct";
    case tp::T_MAP: return "map";
    case tp::T_SET: return "set";
    case tp::T_LIST: return "list";
    default: return nullptr;
  }
}

static bool type_of(const char* name, TType* t) {
  static const struct { const char* n; TType t; } table[] = {
      {"bool", tp::T_BOOL}, {"byte", tp::T_BYTE}, {"i8", tp::T_BYTE}, {"i16", tp::T_I16},
      {"i32", tp::T_I32}, {"i64", tp::T_I64}, {"double", tp::T_DOUBLE},
      {"binary", tp::T_STRING}, {"string", tp::T_STRING}, {"struct", tp::T_STRUCT},
      {"map", tp::T_MAP}, {"set", tp::T_SET}, {"list", tp::T_LIST}};
  for (const auto& r : table)
    if (name && !strcmp(name, r.n)) {
      *t = r.t;
      return true;
    }
  return false;
}

static std::string hex(const std::string& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

static json_t* typed(const char* t, json_t* v) {
  json_t* o = json_object();
  json_object_set_new(o, "type", json_string(t));
  json_object_set_new(o, "value", v);
  return o;
}

static json_t* double_doc(double d) {
  if (std::isnan(d)) return json_string("NaN");
  if (std::isinf(d)) return json_string(d > 0 ? "Infinity" : "-Infinity");
  return json_real(d);
}

static json_t* read_fields(TProtocol& p);

static json_t* read_value(TProtocol& p, TType t) {
  switch (t) {
    case tp::T_BOOL: { bool b; p.readBool(b); return typed("bool", json_boolean(b)); }
    case tp::T_BYTE: { int8_t n; p.readByte(n); return typed("byte", json_integer(n)); }
    case tp::T_I16: { int16_t n; p.readI16(n); return typed("i16", json_integer(n)); }
    case tp::T_I32: { int32_t n; p.readI32(n); return typed("i32", json_integer(n)); }
    case tp::T_I64: { int64_t n; p.readI64(n); return typed("i64", json_integer(n)); }
    case tp::T_DOUBLE: { double d; p.readDouble(d); return typed("double", double_doc(d)); }
    case tp::T_STRING: {
      // Schema-less: readString (for JSON, the string's own text; a binary field's is its
      // base64), the bytes as they are for the other protocols.
      std::string s;
      p.readString(s);
      return typed("binary", json_string(hex(s).c_str()));
    }
    case tp::T_STRUCT: return typed("struct", read_fields(p));
    case tp::T_LIST:
    case tp::T_SET: {
      TInputRecursionTracker tracker(p);
      TType et;
      uint32_t n;
      if (t == tp::T_LIST) p.readListBegin(et, n); else p.readSetBegin(et, n);
      json_t* items = json_array();
      for (uint32_t i = 0; i < n; i++) json_array_append_new(items, read_value(p, et));
      if (t == tp::T_LIST) p.readListEnd(); else p.readSetEnd();
      json_t* o = typed(type_name(t), items);
      const char* en = type_name(et);
      json_object_set_new(o, "elem", en ? json_string(en) : json_integer(et));
      return o;
    }
    case tp::T_MAP: {
      TInputRecursionTracker tracker(p);
      TType kt, vt;
      uint32_t n;
      p.readMapBegin(kt, vt, n);
      json_t* entries = json_array();
      for (uint32_t i = 0; i < n; i++) {
        json_t* k = read_value(p, kt);
        json_t* v = read_value(p, vt);
        json_array_append_new(entries, json_pack("[oo]", k, v));
      }
      p.readMapEnd();
      json_t* o = typed("map", entries);
      // An empty compact map has no key and value types on the wire: the form says bool.
      const char* kn = type_name(kt);
      const char* vn = type_name(vt);
      json_object_set_new(o, "key", json_string(kn ? kn : "bool"));
      json_object_set_new(o, "val", json_string(vn ? vn : "bool"));
      return o;
    }
    default:
      // An unknown type: the library's own answer (skip throws INVALID_DATA).
      p.skip(t);
      throw TProtocolException(TProtocolException::INVALID_DATA, "skipped an unknown type");
  }
}

static json_t* read_fields(TProtocol& p) {
  TInputRecursionTracker tracker(p);
  std::string name;
  p.readStructBegin(name);
  json_t* fields = json_array();
  for (;;) {
    TType t;
    int16_t id;
    p.readFieldBegin(name, t, id);
    if (t == tp::T_STOP) break;
    json_t* v = read_value(p, t);
    json_array_append_new(fields, json_pack("[io]", id, v));
    p.readFieldEnd();
  }
  p.readStructEnd();
  return fields;
}

static const char* kind_name(TMessageType k) {
  switch (k) {
    case tp::T_CALL: return "call";
    case tp::T_REPLY: return "reply";
    case tp::T_EXCEPTION: return "exception";
    case tp::T_ONEWAY: return "oneway";
    default: return nullptr;
  }
}

enum class Wire { Binary, Compact, Json };

static std::shared_ptr<TProtocol> make_protocol(Wire w, std::shared_ptr<TTransport> t) {
  if (w == Wire::Compact) return std::make_shared<TCompactProtocol>(t);
  if (w == Wire::Json) return std::make_shared<TJSONProtocol>(t);
  return std::make_shared<TBinaryProtocol>(t);
}

static const char* wire_name(Wire w) {
  return w == Wire::Compact ? "compact" : w == Wire::Json ? "json" : "binary";
}

static bool known_profile(const char* profile) {
  return !strcmp(profile, "strict") || !strcmp(profile, "lenient") || !strcmp(profile, "framed");
}

extern "C" int adapter_decode(const char* protocol, const char* profile, const unsigned char* in,
                              size_t len, json_t* docs, json_t** error) {
  if (strcmp(protocol, "thrift") != 0 || !known_profile(profile)) {
    *error = error_doc("unsupported", false, 0, "Thrift only; profiles strict, lenient, framed");
    return UNSUPPORTED;
  }
  bool framed = !strcmp(profile, "framed");
  auto mem = std::make_shared<TMemoryBuffer>(const_cast<uint8_t*>(in), static_cast<uint32_t>(len),
                                             TMemoryBuffer::OBSERVE);
  std::shared_ptr<Framed> fr = framed ? std::make_shared<Framed>(mem) : nullptr;
  std::shared_ptr<TTransport> trans = framed ? std::static_pointer_cast<TTransport>(fr) : mem;
  for (;;) {
    size_t at = len - mem->available_read();
    uint32_t left = framed ? fr->left() : 0;
    if (at >= len && left == 0) return OK;
    unsigned char first = left ? fr->next()[0] : (at + (framed ? 4 : 0) < len ? in[at + (framed ? 4 : 0)] : 0);
    Wire wire = first == 0x82 ? Wire::Compact : first == '[' ? Wire::Json : Wire::Binary;
    auto p = make_protocol(wire, trans);
    try {
      std::string name;
      TMessageType kind;
      int32_t seqid;
      p->readMessageBegin(name, kind, seqid);
      json_t* body = read_fields(*p);
      p->readMessageEnd();
      json_t* doc = json_object();
      json_object_set_new(doc, "protocol", json_string(wire_name(wire)));
      json_t* n = json_stringn(name.data(), name.size());
      json_object_set_new(doc, "name", n ? n : json_string(("hex:" + hex(name)).c_str()));
      const char* k = kind_name(kind);
      // A message type the library read without complaint but the form has no name for stays
      // a number: the document shows the acceptance.
      json_object_set_new(doc, "type", k ? json_string(k) : json_integer(kind));
      json_object_set_new(doc, "seqid", json_integer(seqid));
      json_object_set_new(doc, "body", body);
      json_array_append_new(docs, doc);
    } catch (const TProtocolException& e) {
      *error = error_doc("TProtocolException", true, e.getType(), e.what());
      return REJECTED;
    } catch (const TTransportException& e) {
      *error = error_doc("TTransportException", false, 0, e.what());
      return REJECTED;
    } catch (const TException& e) {
      *error = error_doc("TException", false, 0, e.what());
      return REJECTED;
    }
  }
}

// ---- encode

struct Bad {
  std::string why;
};

static TType member_type(json_t* doc, const char* member) {
  TType t;
  if (!type_of(json_string_value(json_object_get(doc, member)), &t)) throw Bad{std::string("no type in ") + member};
  return t;
}

static std::string unhex(const char* s) {
  if (!s) throw Bad{"bytes are a hex string"};
  std::string b;
  size_t n = strlen(s);
  if (n % 2) throw Bad{"odd hex"};
  for (size_t i = 0; i < n; i += 2) b += static_cast<char>(std::stoi(std::string(s + i, 2), nullptr, 16));
  return b;
}

static double double_of(json_t* v) {
  if (json_is_string(v)) {
    std::string s = json_string_value(v);
    if (s == "NaN") return NAN;
    if (s == "Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
    throw Bad{"bad double " + s};
  }
  return json_number_value(v);
}

static void write_fields(TProtocol& p, json_t* fields);

static void write_value(TProtocol& p, json_t* doc) {
  TType t = member_type(doc, "type");
  json_t* v = json_object_get(doc, "value");
  switch (t) {
    case tp::T_BOOL: p.writeBool(json_is_true(v)); break;
    case tp::T_BYTE: p.writeByte(static_cast<int8_t>(json_integer_value(v))); break;
    case tp::T_I16: p.writeI16(static_cast<int16_t>(json_integer_value(v))); break;
    case tp::T_I32: p.writeI32(static_cast<int32_t>(json_integer_value(v))); break;
    case tp::T_I64: p.writeI64(json_integer_value(v)); break;
    case tp::T_DOUBLE: p.writeDouble(double_of(v)); break;
    case tp::T_STRING: p.writeString(unhex(json_string_value(v))); break;
    case tp::T_STRUCT: write_fields(p, v); break;
    case tp::T_LIST:
    case tp::T_SET: {
      TType et = member_type(doc, "elem");
      auto n = static_cast<uint32_t>(json_array_size(v));
      if (t == tp::T_LIST) p.writeListBegin(et, n); else p.writeSetBegin(et, n);
      for (size_t i = 0; i < n; i++) write_value(p, json_array_get(v, i));
      if (t == tp::T_LIST) p.writeListEnd(); else p.writeSetEnd();
      break;
    }
    case tp::T_MAP: {
      auto n = static_cast<uint32_t>(json_array_size(v));
      p.writeMapBegin(member_type(doc, "key"), member_type(doc, "val"), n);
      for (size_t i = 0; i < n; i++) {
        json_t* e = json_array_get(v, i);
        write_value(p, json_array_get(e, 0));
        write_value(p, json_array_get(e, 1));
      }
      p.writeMapEnd();
      break;
    }
    default: throw Bad{"type"};
  }
}

static void write_fields(TProtocol& p, json_t* fields) {
  p.writeStructBegin("s");
  for (size_t i = 0; i < json_array_size(fields); i++) {
    json_t* f = json_array_get(fields, i);
    json_t* v = json_array_get(f, 1);
    p.writeFieldBegin("f", member_type(v, "type"), static_cast<int16_t>(json_integer_value(json_array_get(f, 0))));
    write_value(p, v);
    p.writeFieldEnd();
  }
  p.writeFieldStop();
  p.writeStructEnd();
}

extern "C" int adapter_encode(const char* protocol, const char* profile, json_t* docs,
                              struct out* out, json_t** error) {
  if (strcmp(protocol, "thrift") != 0 || !known_profile(profile)) {
    *error = error_doc("unsupported", false, 0, "Thrift only; profiles strict, lenient, framed");
    return UNSUPPORTED;
  }
  std::string bytes;
  try {
    for (size_t i = 0; i < json_array_size(docs); i++) {
      json_t* doc = json_array_get(docs, i);
      const char* pn = json_string_value(json_object_get(doc, "protocol"));
      auto mem = std::make_shared<TMemoryBuffer>();
      std::shared_ptr<TTransport> trans = mem;
      if (!strcmp(profile, "framed")) trans = std::make_shared<TFramedTransport>(mem);
      Wire w = !pn ? Wire::Binary : !strcmp(pn, "compact") ? Wire::Compact
               : !strcmp(pn, "json") ? Wire::Json : Wire::Binary;
      auto p = make_protocol(w, trans);
      const char* k = json_string_value(json_object_get(doc, "type"));
      TMessageType kind = !k ? tp::T_CALL
                          : !strcmp(k, "reply") ? tp::T_REPLY
                          : !strcmp(k, "exception") ? tp::T_EXCEPTION
                          : !strcmp(k, "oneway") ? tp::T_ONEWAY : tp::T_CALL;
      const char* name = json_string_value(json_object_get(doc, "name"));
      p->writeMessageBegin(name ? name : "", kind,
                           static_cast<int32_t>(json_integer_value(json_object_get(doc, "seqid"))));
      write_fields(*p, json_object_get(doc, "body"));
      p->writeMessageEnd();
      trans->flush();
      bytes += mem->getBufferAsString();
    }
  } catch (const Bad& b) {
    *error = error_doc("invalid-form", false, 0, b.why);
    return REJECTED;
  } catch (const TException& e) {
    *error = error_doc("TException", false, 0, e.what());
    return REJECTED;
  }
  if (out->len + bytes.size() > out->cap) {
    out->cap = out->len + bytes.size() + 64;
    out->data = static_cast<unsigned char*>(realloc(out->data, out->cap));
    if (!out->data) abort();
  }
  memcpy(out->data + out->len, bytes.data(), bytes.size());
  out->len += bytes.size();
  return OK;
}
