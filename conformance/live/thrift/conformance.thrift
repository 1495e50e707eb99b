// The test service of `msgwire check thrift-server` (docs/live/thrift.md).
//
// A server under test implements it as the comments say; the suite checks what comes back
// byte for byte through msgwire's own codec. Every method but the last three returns its
// argument unchanged. No `uuid`: Debian's Thrift 0.17 (the C++ peer) predates it.

namespace cpp msgwire_conformance
namespace py msgwire_conformance

struct Inner {
  1: i32 n,
  2: string s,
}

// Every type, nested containers, an optional field and a field with a default.
struct Everything {
  1: bool flag,
  2: i8 small,
  3: i16 short_int,
  4: i32 int32,
  5: i64 int64,
  6: double real,
  7: string text,
  8: binary blob,
  9: Inner inner,
  10: list<list<i32>> grid,
  11: set<string> tags,
  12: map<string, list<Inner>> index,
  13: optional i32 maybe,
  14: i32 answer = 42,
}

union Choice {
  1: i64 number,
  2: string word,
}

exception Oops {
  1: i32 code,
  2: string why,
}

service Conformance {
  // Returns nothing: the reply's result struct has no field.
  void ping(),

  bool echoBool(1: bool v),
  i8 echoByte(1: i8 v),
  i16 echoI16(1: i16 v),
  i32 echoI32(1: i32 v),
  i64 echoI64(1: i64 v),
  double echoDouble(1: double v),
  string echoString(1: string v),
  binary echoBinary(1: binary v),
  Everything echoStruct(1: Everything v),
  Choice echoUnion(1: Choice v),
  list<list<i32>> echoList(1: list<list<i32>> v),
  set<i64> echoSet(1: set<i64> v),
  map<string, map<i32, list<string>>> echoMap(1: map<string, map<i32, list<string>>> v),

  // Throws Oops(code, why) (a declared exception: a Reply whose field 1 is the Oops).
  void fail(1: i32 code, 2: string why) throws (1: Oops oops),

  // Remembers v (per connection or per server: the suite reads it back on the same
  // connection right after).
  oneway void note(1: string v),

  // The v of the last note() received ("" before any).
  string lastNote(),
}
