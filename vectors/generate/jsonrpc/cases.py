"""Hand-written request sets for gen_vectors.py.

SPEC_EXAMPLES are the examples of JSON-RPC 2.0 §7, transcribed verbatim (request bytes and the
reply the spec prints). OPEN_POINTS are the points the spec leaves open, with msgwire's decision
(see docs/jsonrpc.md); their replies are the ones a conforming server owes under the strict
profile. An invalid request is answered with `id: null` even when its id member was readable:
§5 "If there was an error in detecting the id in the Request object (e.g. Parse error/Invalid
Request), it MUST be Null." Every case is also sent to each peer, and the peer's reply is recorded when it differs.

Fields: name, description, spec, input (text), verdict ("y"/"n"/per-profile object), error
(kind, code) where some profile rejects, reply (JSON text, or None: nothing is sent; absent:
not checked, for implementation-defined cases).
"""

INVALID = '{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}'
PARSE = '{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}'


SPEC_EXAMPLES = [
    dict(name="positional-params-1", description="rpc call with positional parameters",
         spec="JSON-RPC 2.0 §7 (§4.2 by-position)",
         input='{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}', verdict="y",
         reply='{"jsonrpc": "2.0", "result": 19, "id": 1}'),
    dict(name="positional-params-2", description="rpc call with positional parameters",
         spec="JSON-RPC 2.0 §7 (§4.2 by-position)",
         input='{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}', verdict="y",
         reply='{"jsonrpc": "2.0", "result": -19, "id": 2}'),
    dict(name="named-params-1", description="rpc call with named parameters",
         spec="JSON-RPC 2.0 §7 (§4.2 by-name)",
         input='{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}',
         verdict="y", reply='{"jsonrpc": "2.0", "result": 19, "id": 3}'),
    dict(name="named-params-2", description="rpc call with named parameters, other member order",
         spec="JSON-RPC 2.0 §7 (§4.2 by-name)",
         input='{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}',
         verdict="y", reply='{"jsonrpc": "2.0", "result": 19, "id": 4}'),
    dict(name="notification-with-params", description="a notification: no reply",
         spec="JSON-RPC 2.0 §7, §4.1", input='{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}',
         verdict="y", reply=None),
    dict(name="notification-unknown-method", description="a notification of a method that does not exist: still no reply",
         spec="JSON-RPC 2.0 §7, §4.1", input='{"jsonrpc": "2.0", "method": "foobar"}', verdict="y", reply=None),
    dict(name="unknown-method", description="rpc call of a non-existent method",
         spec="JSON-RPC 2.0 §7, §5.1", input='{"jsonrpc": "2.0", "method": "foobar", "id": "1"}', verdict="y",
         reply='{"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"}'),
    dict(name="invalid-json", description="rpc call with invalid JSON",
         spec="JSON-RPC 2.0 §7, §5.1", input='{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]',
         verdict="n", error=("parse-error", -32700), reply=PARSE),
    dict(name="invalid-request", description="rpc call with an invalid Request object",
         spec="JSON-RPC 2.0 §7, §4", input='{"jsonrpc": "2.0", "method": 1, "params": "bar"}',
         verdict="n", error=("member-type", -32600), reply=INVALID),
    dict(name="batch-invalid-json", description="rpc call batch, invalid JSON",
         spec="JSON-RPC 2.0 §7, §6",
         input='[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]',
         verdict="n", error=("parse-error", -32700), reply=PARSE),
    dict(name="empty-batch", description="rpc call with an empty Array: one error object, not an array",
         spec="JSON-RPC 2.0 §7, §6", input='[]', verdict="n", error=("empty-batch", -32600), reply=INVALID),
    dict(name="batch-of-one-invalid", description="rpc call with an invalid batch (but not empty)",
         spec="JSON-RPC 2.0 §7, §6", input='[1]', verdict="n", error=("not-an-object", -32600),
         reply='[\n  ' + INVALID + '\n]'),
    dict(name="batch-of-three-invalid", description="rpc call with invalid batch: three error objects",
         spec="JSON-RPC 2.0 §7, §6", input='[1,2,3]', verdict="n", error=("not-an-object", -32600),
         reply='[\n  ' + INVALID + ',\n  ' + INVALID + ',\n  ' + INVALID + '\n]'),
    dict(name="mixed-batch", description="rpc call batch: four calls, one notification, one invalid object",
         spec="JSON-RPC 2.0 §7, §6",
         input='[\n        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n'
               '        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},\n'
               '        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},\n'
               '        {"foo": "boo"},\n'
               '        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},\n'
               '        {"jsonrpc": "2.0", "method": "get_data", "id": "9"} \n    ]',
         verdict="n", error=("bad-version", -32600),
         reply='[\n        {"jsonrpc": "2.0", "result": 7, "id": "1"},\n'
               '        {"jsonrpc": "2.0", "result": 19, "id": "2"},\n'
               '        {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},\n'
               '        {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},\n'
               '        {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}\n    ]'),
    dict(name="all-notification-batch", description="rpc call batch (all notifications): nothing is returned",
         spec="JSON-RPC 2.0 §7, §6",
         input='[\n        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},\n'
               '        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}\n    ]',
         verdict="y", reply=None),
]

R = '{"jsonrpc":"2.0","method":"subtract","params":[2,1],"id":%s}'
OK = '{"jsonrpc":"2.0","result":1,"id":%s}'

OPEN_POINTS = [
    dict(name="id-integer-compact", description="our canonical encoding: compact, members in order",
         spec="JSON-RPC 2.0 §4", input=R % '1', verdict="y", reply=OK % '1'),
    dict(name="id-big-integer", description="an id beyond u64 is echoed exactly",
         spec="JSON-RPC 2.0 §4 (id: Number), §5 (MUST be the same)", input=R % '18446744073709551616', verdict="y",
         reply=OK % '18446744073709551616'),
    dict(name="id-negative-zero", description="-0 is a JSON number; echoed as written",
         spec="JSON-RPC 2.0 §4; RFC 8259 §6", input=R % '-0', verdict="y", reply=OK % '-0'),
    dict(name="id-fractional", description="1.0: strict rejects (SHOULD NOT contain fractional parts), lenient echoes 1.0",
         spec="JSON-RPC 2.0 §4 (Numbers SHOULD NOT contain fractional parts)", input=R % '1.0',
         verdict={"strict": "n", "lenient": "y"}, error=("fractional-id", -32600), reply=INVALID),
    dict(name="id-exponent", description="1e2: a number with an exponent is treated like a fraction",
         spec="JSON-RPC 2.0 §4", input=R % '1e2', verdict={"strict": "n", "lenient": "y"},
         error=("fractional-id", -32600), reply=INVALID),
    dict(name="id-string-escaped", description="a string id with escapes is echoed byte for byte",
         spec="JSON-RPC 2.0 §4, §5", input=R % '"a\\u0041\\n"', verdict="y", reply=OK % '"a\\u0041\\n"'),
    dict(name="id-empty-string", description="the empty string is a valid id",
         spec="JSON-RPC 2.0 §4", input=R % '""', verdict="y", reply=OK % '""'),
    dict(name="id-null", description="id null: a request (discouraged), not a notification; the reply echoes null",
         spec="JSON-RPC 2.0 §4 (use of Null ... is discouraged), §4.1", input=R % 'null', verdict="y",
         reply=OK % 'null'),
    dict(name="id-boolean", description="true is not a valid id", spec="JSON-RPC 2.0 §4",
         input=R % 'true', verdict="n", error=("member-type", -32600), reply=INVALID),
    dict(name="id-object", description="an object is not a valid id", spec="JSON-RPC 2.0 §4",
         input=R % '{"a":1}', verdict="n", error=("member-type", -32600), reply=INVALID),
    dict(name="params-null", description="params: null: strict rejects (MUST be a Structured value), lenient accepts",
         spec="JSON-RPC 2.0 §4.2", input='{"jsonrpc":"2.0","method":"get_data","params":null,"id":1}',
         verdict={"strict": "n", "lenient": "y"}, error=("params-null", -32600), reply=INVALID),
    dict(name="params-string", description="params must be an array or object",
         spec="JSON-RPC 2.0 §4.2", input='{"jsonrpc":"2.0","method":"get_data","params":"x","id":1}',
         verdict="n", error=("member-type", -32600), reply=INVALID),
    dict(name="params-number", description="params must be an array or object",
         spec="JSON-RPC 2.0 §4.2", input='{"jsonrpc":"2.0","method":"get_data","params":5,"id":1}',
         verdict="n", error=("member-type", -32600), reply=INVALID),
    dict(name="extra-member", description="a member the spec does not define: strict rejects, lenient ignores",
         spec="JSON-RPC 2.0 §4 (members of the Request object)",
         input='{"jsonrpc":"2.0","method":"get_data","id":1,"trace":"x"}',
         verdict={"strict": "n", "lenient": "y"}, error=("extra-member", -32600), reply=INVALID),
    dict(name="duplicate-method", description="duplicate member names: strict rejects, lenient takes the last",
         spec="RFC 8259 §4 (names SHOULD be unique); JSON-RPC 2.0 §4",
         input='{"jsonrpc":"2.0","method":"foobar","method":"get_data","id":1}',
         verdict={"strict": "n", "lenient": "y"}, error=("duplicate-member", -32600), reply=INVALID),
    dict(name="reserved-method", description="rpc.-prefixed methods are reserved, not invalid: an unknown one is -32601",
         spec="JSON-RPC 2.0 §4 (rpc. reserved), §5.1", input='{"jsonrpc":"2.0","method":"rpc.discover","id":1}',
         verdict="y", reply='{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}'),
    dict(name="version-missing", description="no jsonrpc member (a JSON-RPC 1.0 call)",
         spec="JSON-RPC 2.0 §4 (jsonrpc MUST be exactly \"2.0\")", input='{"method":"get_data","params":[],"id":1}',
         verdict="n", error=("bad-version", -32600), reply=INVALID),
    dict(name="version-number", description="jsonrpc: 2.0 as a number", spec="JSON-RPC 2.0 §4",
         input='{"jsonrpc":2.0,"method":"get_data","id":1}', verdict="n", error=("bad-version", -32600),
         reply=INVALID),
    dict(name="version-1.0", description="jsonrpc: \"1.0\"", spec="JSON-RPC 2.0 §4",
         input='{"jsonrpc":"1.0","method":"get_data","id":1}', verdict="n", error=("bad-version", -32600),
         reply=INVALID),
    dict(name="method-missing", description="an object with neither method nor result/error",
         spec="JSON-RPC 2.0 §4", input='{"jsonrpc":"2.0","id":1}', verdict="n",
         error=("missing-member", -32600), reply=INVALID),
    dict(name="method-null", description="method must be a string", spec="JSON-RPC 2.0 §4",
         input='{"jsonrpc":"2.0","method":null,"id":1}', verdict="n", error=("member-type", -32600),
         reply=INVALID),
    dict(name="method-escaped", description="a method name with escapes is unescaped before dispatch",
         spec="JSON-RPC 2.0 §4; RFC 8259 §7", input='{"jsonrpc":"2.0","method":"get\\u005fdata","id":1}',
         verdict="y", reply='{"jsonrpc":"2.0","result":["hello",5],"id":1}'),
    dict(name="scalar-payload", description="a JSON scalar is valid JSON but not a Request object",
         spec="JSON-RPC 2.0 §4", input='42', verdict="n", error=("not-an-object", -32600), reply=INVALID),
    dict(name="response-sent-to-server", description="a response object is not a request: -32600, id null",
         spec="JSON-RPC 2.0 §4, §5", input='{"jsonrpc":"2.0","result":1,"id":7}', verdict="y",
         reply=INVALID),
    dict(name="batch-with-notification-and-invalid", description="an invalid item is answered even in a batch of notifications",
         spec="JSON-RPC 2.0 §6", input='[{"jsonrpc":"2.0","method":"update"},{"jsonrpc":"2.0"}]',
         verdict="n", error=("missing-member", -32600), reply='[' + INVALID + ']'),
    dict(name="batch-nested", description="a batch inside a batch is an invalid item",
         spec="JSON-RPC 2.0 §6", input='[[{"jsonrpc":"2.0","method":"get_data","id":1}]]', verdict="n",
         error=("not-an-object", -32600), reply='[' + INVALID + ']'),
    dict(name="trailing-garbage", description="a valid request followed by more bytes is not JSON",
         spec="RFC 8259 §2; JSON-RPC 2.0 §5.1", input='{"jsonrpc":"2.0","method":"get_data","id":1} x',
         verdict="n", error=("parse-error", -32700), reply=PARSE),
    dict(name="lone-surrogate-method", description="a method name with an unpaired surrogate escape",
         spec="RFC 8259 §8.2 (unpaired surrogates: behaviour unpredictable)",
         input='{"jsonrpc":"2.0","method":"\\ud800","id":1}', verdict="i"),
    # Invalid UTF-8 (RFC 8259 §8.1: "JSON text ... MUST be encoded using UTF-8"), given as hex
    # bytes; not sent to the peers (their entry points take decoded text).
    dict(name="invalid-utf8-in-method", description="a 0xff byte inside the method string",
         spec="RFC 8259 §8.1; JSON-RPC 2.0 §5.1", hex=b'{"jsonrpc":"2.0","method":"\xff","id":1}'.hex(),
         verdict="n", error=("parse-error", -32700), reply=PARSE),
    dict(name="invalid-utf8-lone-continuation", description="a lone continuation byte inside params",
         spec="RFC 8259 §8.1", hex=b'{"jsonrpc":"2.0","method":"echo","params":["\x80"],"id":1}'.hex(),
         verdict="n", error=("parse-error", -32700), reply=PARSE),
    dict(name="invalid-utf8-overlong", description="an overlong encoding of '/' (C0 AF) inside a string",
         spec="RFC 8259 §8.1; RFC 3629 §3", hex=b'{"jsonrpc":"2.0","method":"\xc0\xaf","id":1}'.hex(),
         verdict="n", error=("parse-error", -32700), reply=PARSE),
    dict(name="invalid-utf8-surrogate-bytes", description="UTF-8 bytes of a surrogate (ED A0 80) inside a string",
         spec="RFC 8259 §8.1; RFC 3629 §3", hex=b'{"jsonrpc":"2.0","method":"\xed\xa0\x80","id":1}'.hex(),
         verdict="n", error=("parse-error", -32700), reply=PARSE),
]
