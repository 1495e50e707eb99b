// The IDL the Thrift golden vectors are generated from (vectors/generate/thrift/run.sh): every
// base type, enums, typedefs, optional/required/default fields, a union, declared exceptions,
// a oneway method and nested containers. Python (PyPI `thrift`) and C++ (Debian
// `libthrift-dev`) code is generated from it with Debian's `thrift-compiler`; both peers write
// the same calls, and their generated processors answer them.
//
// A field without a key (Outer.implicit_id) gets a negative id from the compiler, as old IDLs
// did.
//
// uuid is not here: thrift-compiler 0.17 (Debian bookworm) does not know the type.

namespace py conformance
namespace cpp conformance

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 7,
}

typedef i64 Millis

struct Point {
  1: required double x,
  2: required double y,
}

struct Scalars {
  1: bool yes,
  2: bool no,
  3: i8 tiny,
  4: i16 small,
  5: i32 medium,
  6: i64 large,
  7: double real,
  8: string text,
  9: binary blob,
  10: Color color,
  11: Millis stamp,
}

struct Defaults {
  1: i32 number = 42,
  2: string word = "hi",
  3: optional i32 maybe,
  4: required string needed,
  5: optional list<i32> maybe_list,
  6: list<string> names = ["a", "b"],
  7: optional Point where = {"x": 1.0, "y": 2.0},
}

union Choice {
  1: i32 number,
  2: string text,
  3: Point point,
}

exception NotFound {
  1: string item,
  2: i32 code,
}

exception Invalid {
  1: string why,
}

struct Containers {
  1: list<i32> ints,
  2: set<string> tags,
  3: map<string, i64> counts,
  4: list<bool> flags,
  5: list<list<i8>> nested,
  6: map<i32, Point> points,
  7: list<Point> empty,
  8: map<string, list<map<i16, set<i32>>>> deep,
  9: list<double> doubles,
  10: set<Color> colors,
  11: map<bool, binary> blobs,
  12: map<string, string> none,
  13: list<string> many,
}

struct Inner {
  1: i32 level,
}

struct Middle {
  1: Inner inner,
  2: list<Inner> inners,
}

struct Outer {
  1: Middle middle,
  i32 implicit_id,  // no key: the compiler gives it -1
  300: string far_id,
}

struct Everything {
  1: Scalars scalars,
  2: Defaults defaults,
  3: Choice choice,
  4: Containers containers,
  5: Outer outer,
}

service Conformance {
  void ping(),
  oneway void log(1: string line),
  i32 add(1: i32 a, 2: i32 b),
  Everything echo(1: Everything e),
  string lookup(1: string key) throws (1: NotFound not_found, 2: Invalid invalid),
  Choice pick(1: Choice c),
  list<Point> points(1: map<string, Point> by_name, 2: set<i64> ids),
}
