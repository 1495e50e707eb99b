//! The `msgwire` CLI: argument parsing only; every command is a function of
//! `msgwire_conformance::cli`. Exit status: 0 ok, 1 invalid input or failing must-case,
//! 2 usage, or a check that checked nothing / could not start / could not connect, 3 protocol
//! form not implemented in this build.

use clap::{Args, Parser, Subcommand, ValueEnum};
use msgwire_conformance::cli::{self, CheckOptions, ProgressOutput};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::time::Duration;

const PROTOCOLS: [&str; 5] = ["amqp", "jsonrpc", "xmlrpc", "msgpack-rpc", "thrift"];

#[derive(Parser)]
#[command(
    name = "msgwire",
    version = msgwire_conformance::corpus::VERSION,
    long_version = msgwire_conformance::corpus::LONG_VERSION,
    about = "Decode, encode and check AMQP 0-9-1, JSON-RPC 2.0, XML-RPC, MessagePack-RPC and Apache Thrift against the msgwire vectors"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bytes (stdin or FILE) → one canonical JSON document per frame/message (JSON Lines).
    Decode(DecodeArgs),
    /// Canonical JSON Lines (stdin or FILE) → bytes on stdout.
    Encode(EncodeArgs),
    /// The vector corpus.
    Vectors {
        #[command(subcommand)]
        command: VectorsCommand,
    },
    /// Check a codec against the corpus.
    Check {
        #[command(subcommand)]
        command: CheckCommand,
    },
    /// Combine JSON reports.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Fuzz another implementation against ours.
    Fuzz {
        #[command(subcommand)]
        command: FuzzCommand,
    },
    /// The persistent adapter contract over our codecs: JSON requests on stdin, one answer a
    /// line on stdout (so `--adapter msgwire --persistent` works).
    Serve,
}

#[derive(Args)]
struct DecodeArgs {
    /// Protocol.
    #[arg(value_parser = PROTOCOLS)]
    protocol: String,
    /// Input file (default, or `-`: stdin).
    file: Option<PathBuf>,
    /// The input is hex text (whitespace allowed).
    #[arg(long)]
    hex: bool,
    /// Decoder profile (default: $MSGWIRE_PROFILE, else the protocol's first, `strict`).
    #[arg(long)]
    profile: Option<String>,
    /// How messages are delimited: jsonrpc single (default) | ndjson | content-length; xmlrpc
    /// single (default) | concat; thrift unframed (default) | framed | header (THeader); amqp
    /// and msgpack-rpc stream (their own framing).
    #[arg(long, value_name = "FRAMING")]
    framing: Option<String>,
    /// Thrift's wire protocol: binary | compact | json (default: each message's first byte says).
    #[arg(long = "protocol", value_name = "PROTOCOL")]
    wire: Option<String>,
}

#[derive(Args)]
struct EncodeArgs {
    /// Protocol.
    #[arg(value_parser = PROTOCOLS)]
    protocol: String,
    /// Input file of canonical JSON Lines (default, or `-`: stdin).
    file: Option<PathBuf>,
    /// Write hex text, not bytes.
    #[arg(long)]
    hex: bool,
    /// Encoder profile: checked against the protocol's profiles; every profile encodes the same
    /// canonical form to the same bytes (default: $MSGWIRE_PROFILE, else `strict`).
    #[arg(long)]
    profile: Option<String>,
    /// How messages are delimited: jsonrpc single (default: one document) | ndjson |
    /// content-length; xmlrpc single (default) | concat; thrift unframed (default) | framed |
    /// header (THeader); amqp and msgpack-rpc stream.
    #[arg(long, value_name = "FRAMING")]
    framing: Option<String>,
    /// Thrift's wire protocol: binary | compact | json (default: each document's `protocol`, else
    /// binary).
    #[arg(long = "protocol", value_name = "PROTOCOL")]
    wire: Option<String>,
}

#[derive(Subcommand)]
enum VectorsCommand {
    /// One line per case: id, verdict, spec section.
    List {
        /// Only this protocol.
        #[arg(long, value_parser = PROTOCOLS)]
        protocol: Option<String>,
        /// Corpus directory (default: $MSGWIRE_VECTORS, else the corpus built into msgwire).
        #[arg(long)]
        vectors: Option<PathBuf>,
    },
    /// The counts docs show (cases and trials per protocol and group, live cases): printed,
    /// or checked / rewritten where FILEs mark them with `<!-- count KEY [FORMAT] -->`.
    Count {
        /// Files with count markers (with --check or --write).
        files: Vec<PathBuf>,
        /// Exit 1 when a marked count differs from the corpus.
        #[arg(long, conflicts_with = "write")]
        check: bool,
        /// Rewrite the marked counts.
        #[arg(long)]
        write: bool,
        /// Corpus directory (default: $MSGWIRE_VECTORS, else the corpus built into msgwire).
        #[arg(long)]
        vectors: Option<PathBuf>,
    },
    /// A case as written, with its file and input.
    Show {
        /// Case id, e.g. amqp/amqplib-tables/bool-true.
        id: String,
        /// Corpus directory (default: $MSGWIRE_VECTORS, else the corpus built into msgwire).
        #[arg(long)]
        vectors: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour standard output: `auto` colours a terminal unless `NO_COLOR` is set.
    fn on(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

#[derive(Subcommand)]
enum CheckCommand {
    /// Run the corpus against our codecs (or, with --adapter, any implementation).
    Codec(Box<CheckArgs>),
    /// Check a live AMQP 0-9-1 broker against the spec: amqp://user:pass@host:port/vhost.
    AmqpBroker(LiveArgs),
    /// Check a live JSON-RPC 2.0 server: http://host:port/path, tcp://host:port (NDJSON), or --command.
    JsonrpcServer(JsonrpcArgs),
    /// Check a live XML-RPC server: http://host:port/path.
    XmlrpcServer(XmlrpcArgs),
    /// Check a live MessagePack-RPC server: tcp://host:port, or --command (stdio).
    MsgpackRpcServer(MsgpackArgs),
    /// Check a live Apache Thrift server of the test service
    /// (conformance/live/thrift/conformance.thrift): HOST:PORT.
    ThriftServer(ThriftArgs),
    /// Check a JSON-RPC 2.0 client library: msgwire plays the server over HTTP on 127.0.0.1,
    /// --driver runs the library (the driver contract: conformance/README.md).
    JsonrpcClient(ClientArgs),
    /// Check an AMQP 0-9-1 client library: msgwire plays the broker on 127.0.0.1, --driver
    /// runs the library (the driver contract: conformance/README.md).
    AmqpClient(ClientArgs),
    /// Check an XML-RPC client library: msgwire plays the server over HTTP on 127.0.0.1,
    /// --driver runs the library (the driver contract: conformance/README.md).
    XmlrpcClient(ClientArgs),
    /// Check a MessagePack-RPC client library: msgwire plays the server over TCP on 127.0.0.1,
    /// --driver runs the library (the driver contract: conformance/README.md).
    MsgpackRpcClient(ClientArgs),
}

#[derive(Args)]
#[command(mut_arg("url", |a| a.hide(true)))]
struct ClientArgs {
    #[command(flatten)]
    live: LiveArgs,
    /// The driver: a program run through `sh -c` once per case with SCENARIO HOST:PORT as
    /// arguments and MSGWIRE_PLAN / MSGWIRE_URL in its environment.
    #[arg(long, value_name = "CMD")]
    driver: Option<String>,
}

#[derive(Args)]
#[command(mut_arg("url", |a| a.help("The server: tcp://host:port (or use --command)")))]
struct MsgpackArgs {
    #[command(flatten)]
    live: LiveArgs,
    /// Run this program and talk MessagePack-RPC over its stdin/stdout, one process per case
    /// (e.g. 'nvim --clean --embed --headless').
    #[arg(long, value_name = "CMD", conflicts_with = "url")]
    command: Option<String>,
    /// A method that returns its single argument (the round-trip case needs it).
    #[arg(long, value_name = "NAME")]
    echo_method: Option<String>,
}

#[derive(Args)]
#[command(mut_arg("url", |a| a.help("The server: HOST:PORT")))]
struct ThriftArgs {
    #[command(flatten)]
    live: LiveArgs,
    /// The wire protocol.
    #[arg(long, value_parser = ["binary", "compact"], default_value = "binary")]
    protocol: String,
    /// The transport: framed (a 4-byte length before each message), buffered (unframed) or
    /// header (THeader frames).
    #[arg(long, value_parser = ["framed", "buffered", "header"], default_value = "buffered")]
    transport: String,
}

#[derive(Args)]
#[command(mut_arg("url", |a| a.help("The server: http://host:port/path, or tcp://host:port (or use --command)")))]
struct JsonrpcArgs {
    #[command(flatten)]
    live: LiveArgs,
    /// Run this program (through `sh -c`) and talk to it over stdin/stdout, one process per case.
    #[arg(long, value_name = "CMD", conflicts_with = "url")]
    command: Option<String>,
    /// JSON-RPC message framing on a stream (tcp:// or --command): ndjson (default) or
    /// content-length.
    #[arg(long, value_parser = ["ndjson", "content-length"])]
    framing: Option<String>,
    /// A method that returns its positional params as an array (cases that need a callable
    /// method are unimplemented without it).
    #[arg(long, value_name = "NAME")]
    echo_method: Option<String>,
}

#[derive(Args)]
#[command(mut_arg("url", |a| a.help("The server: http://host:port/path")))]
struct XmlrpcArgs {
    #[command(flatten)]
    live: LiveArgs,
    /// A method that returns its params (as an array, or the one param itself).
    #[arg(long, value_name = "NAME")]
    echo_method: Option<String>,
}

/// LiveArgs → LiveOptions; exits with a usage error on a bad --timeout.
fn live_options(a: LiveArgs) -> (Option<String>, msgwire_conformance::live::LiveOptions) {
    if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout <= 600.0) {
        eprintln!("msgwire: --timeout is a number of seconds in (0, 600]");
        std::process::exit(cli::EXIT_USAGE);
    }
    let opts = msgwire_conformance::live::LiveOptions {
        list: a.list,
        selection: msgwire_conformance::live::Selection {
            only: a.only,
            skip: a.skip,
            strict: a.strict,
            accept: a.accept,
        },
        timeout: Duration::from_secs_f64(a.timeout),
        trace: a.trace,
        json: a.json,
        junit: a.junit,
        html: a.html,
        markdown: a.markdown,
        baseline: a.baseline,
    };
    (a.url, opts)
}

#[derive(Args)]
struct LiveArgs {
    /// The target (amqp://user:pass@host:port/vhost).
    url: Option<String>,
    /// List the selected cases (id, level, section) and the named deviations, and exit.
    #[arg(long)]
    list: bool,
    /// Only case ids matching this glob (`*` any characters; repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// Skip case ids matching this glob (repeatable).
    #[arg(long)]
    skip: Vec<String>,
    /// Also run SHOULD-level cases.
    #[arg(long)]
    strict: bool,
    /// Accept a documented deviation from a MUST by name (an id listed in docs/live/README.md, or a
    /// whole set such as `rabbitmq`); it is then graded non-strict instead of failed
    /// (repeatable).
    #[arg(long, value_name = "DEVIATION")]
    accept: Vec<String>,
    /// Seconds any one wait may take.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Print every case's wire log (hex and decoded), not only failures'.
    #[arg(long)]
    trace: bool,
    /// Write a JSON report.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a JUnit XML report (one testsuite per spec section, one testcase per case).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write one self-contained HTML page (verdict, failures first, every case with its
    /// requirement and wire log).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Append a Markdown summary (for a CI job summary, e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Known failures (one case id per line, `#` comments): they are marked `(baselined)` and do
    /// not fail the run; stale entries (the case now passes, or no such case) are reported and
    /// fail the run under --strict.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    /// Only this protocol (repeatable).
    #[arg(long, value_parser = PROTOCOLS)]
    protocol: Vec<String>,
    /// Only case ids matching this glob (`*` any characters, `?` one; repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// Skip case ids matching this glob (repeatable).
    #[arg(long)]
    skip: Vec<String>,
    /// Only this profile (default: every profile). It must be a profile of the selected
    /// protocols; without --protocol, the protocols that have it run.
    #[arg(long)]
    profile: Option<String>,
    /// Also fail on skipped trials (unimplemented forms) and stale baseline entries.
    #[arg(long)]
    strict: bool,
    /// Corpus directory (default: $MSGWIRE_VECTORS, else the corpus built into msgwire).
    #[arg(long)]
    vectors: Option<PathBuf>,
    /// Write a JSON report.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a JUnit XML report (one testsuite per spec section).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a self-contained HTML report (verdict, failures first, every trial).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Append a Markdown summary (for a CI job summary, e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Known failures (`id` or `id@profile` per line; `-`: stdin): they do not fail the run.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write this run's failures as a baseline file.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Check this program through the adapter contract (see conformance/README.md).
    #[arg(long, value_name = "CMD")]
    adapter: Option<String>,
    /// Drive the adapter as one `CMD serve` process (JSON Lines requests and answers).
    #[arg(long, requires = "adapter")]
    persistent: bool,
    /// Seconds one decode/encode may take.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// The implementation's name in reports.
    #[arg(long)]
    name: Option<String>,
    /// Colours in the summary.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Subcommand)]
enum FuzzCommand {
    /// Generated and mutated inputs to an adapter and to msgwire; every disagreement is
    /// minimized and written as a vector (exit 0 clean, 1 a new disagreement, 2 cannot start
    /// or nothing compared).
    Codec(Box<FuzzArgs>),
    /// Generated and mutated JSON-RPC traffic against a live server (bounded in inputs and
    /// time): every request must get the reply the spec owes, exactly once, notifications
    /// none, and the server must keep answering; a failure is minimized and written as a wire
    /// script that `--replay` sends again (exit 0 clean, 1 a new failure, 2 usage or
    /// unreachable).
    JsonrpcServer(Box<FuzzServerArgs>),
    /// Generated and mutated XML-RPC documents POSTed to a live server: a methodCall is owed
    /// one well-formed response (a fault with 200 OK, a value, HTTP 404), anything else a fault
    /// or an HTTP 4xx, and the server must keep answering (same budget, minimization and
    /// --replay as jsonrpc-server).
    XmlrpcServer(Box<FuzzServerArgs>),
    /// Generated and mutated MessagePack-RPC traffic to a live server (tcp://host:port or
    /// --command): every request exactly one well-formed response with its msgid,
    /// notifications none, the connection and the server keep serving.
    MsgpackRpcServer(Box<FuzzServerArgs>),
    /// Generated and mutated AMQP frames sent to a broker after the handshake
    /// (amqp://user:pass@host:port/vhost): a frame msgwire refuses is owed connection.close
    /// with the spec's code then close-ok and the socket closed; any close uses a code of the
    /// spec; no hang past --timeout; the broker keeps greeting new connections.
    AmqpServer(Box<FuzzServerArgs>),
    /// Generated and mutated Thrift messages (the test service's calls, the corpus's, messages
    /// of every type generated) sent to a live server of the test service
    /// (conformance/live/thrift/conformance.thrift), HOST:PORT, in --protocol over --transport,
    /// one connection per input then our side of the stream ended: every call exactly one
    /// well-formed Reply or Exception with its name and seqid, oneway none, exceptions of a
    /// TApplicationException type the spec has, bytes msgwire refuses ending in an exception or
    /// a close (not a hang), the server answering ping on a new connection afterwards.
    ThriftServer(Box<FuzzThriftArgs>),
    /// Generated and mutated JSON-RPC response bodies played to a client library (msgwire is
    /// the HTTP server, --driver runs the library): a valid response is delivered to the call
    /// whose id it carries with msgwire's value, an invalid one refused or reported, an
    /// unknown id never matched; no crash or hang past --timeout (exit 0 clean, 1 a new
    /// failure, 2 usage or a driver that cannot start).
    JsonrpcClient(Box<FuzzClientArgs>),
    /// Generated and mutated XML-RPC methodResponse documents played to a client library: a
    /// valid response's value (or fault code) delivered, an invalid one refused.
    XmlrpcClient(Box<FuzzClientArgs>),
    /// Generated and mutated MessagePack-RPC server messages played to a client library on
    /// TCP: responses delivered to the call with their msgid and value, unknown msgids never
    /// matched, no response answered.
    MsgpackRpcClient(Box<FuzzClientArgs>),
    /// Generated and mutated AMQP frames a broker sends, played to a client library after the
    /// handshake: a frame msgwire refuses is owed connection.close with the spec's code (or a
    /// dropped connection), never a crash or a hang.
    AmqpClient(Box<FuzzClientArgs>),
}

#[derive(Args)]
struct FuzzServerArgs {
    /// The server: http://host:port/path or tcp://host:port (JSON-RPC), http:// (XML-RPC),
    /// tcp:// (MessagePack-RPC), amqp://user:pass@host:port/vhost (AMQP).
    url: Option<String>,
    /// Run this program and talk to it over stdin/stdout (JSON-RPC: through `sh -c`;
    /// MessagePack-RPC: split on whitespace).
    #[arg(long, value_name = "CMD", conflicts_with = "url")]
    command: Option<String>,
    /// JSON-RPC message framing on a stream (tcp:// or --command): ndjson (default) or
    /// content-length.
    #[arg(long, value_parser = ["ndjson", "content-length"])]
    framing: Option<String>,
    /// A method that returns its positional params as an array (its calls are owed a result;
    /// every other method is owed -32601).
    #[arg(long, value_name = "NAME")]
    echo_method: Option<String>,
    #[command(flatten)]
    restart: RestartArgs,
    #[command(flatten)]
    live: FuzzLiveArgs,
}

/// Keeping a run going against a server that goes down.
#[derive(Args)]
struct RestartArgs {
    /// A shell command (`sh -c`) that brings the server back after an input took it down (it
    /// may start the server in the background); the run waits until the target answers, then
    /// goes on, and minimizes the input that took it down too. Without it the run ends at the
    /// first `server-down`. URL targets only.
    #[arg(long, value_name = "CMD")]
    restart: Option<String>,
    /// Seconds the restart command and the server's first answer may take together.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30.0,
        requires = "restart"
    )]
    restart_wait: f64,
}

impl RestartArgs {
    fn get(&self) -> Option<(String, Duration)> {
        if !(self.restart_wait > 0.0 && self.restart_wait <= 3600.0) {
            eprintln!("msgwire: --restart-wait is a number of seconds in (0, 3600]");
            std::process::exit(cli::EXIT_USAGE);
        }
        let wait = Duration::from_secs_f64(self.restart_wait);
        self.restart.clone().map(|c| (c, wait))
    }
}

#[derive(Args)]
struct FuzzThriftArgs {
    /// The server: HOST:PORT (a tcp:// prefix is allowed).
    url: Option<String>,
    /// The wire protocol.
    #[arg(long, default_value = "binary", value_parser = ["binary", "compact"])]
    protocol: String,
    /// The transport: buffered (unframed), framed (TFramedTransport) or header (THeader).
    #[arg(long, default_value = "buffered", value_parser = ["buffered", "framed", "header"])]
    transport: String,
    #[command(flatten)]
    restart: RestartArgs,
    #[command(flatten)]
    live: FuzzLiveArgs,
}

#[derive(Args)]
struct FuzzClientArgs {
    /// The driver that runs the client library: a program run through `sh -c` once per input
    /// with SCENARIO HOST:PORT as arguments and MSGWIRE_PLAN / MSGWIRE_URL in its environment
    /// (the driver contract of `check <protocol>-client`, conformance/README.md).
    #[arg(long, value_name = "CMD")]
    driver: String,
    #[command(flatten)]
    live: FuzzLiveArgs,
}

/// The options every live fuzzer (servers and clients) shares.
#[derive(Args)]
struct FuzzLiveArgs {
    /// Send the inputs of these wire scripts (written under --out) again, and judge them.
    #[arg(long, value_name = "FILE")]
    replay: Vec<PathBuf>,
    /// Time budget: `90s`, `10m`, `1h`, `500ms` or seconds.
    #[arg(long, value_parser = parse_duration)]
    time: Option<Duration>,
    /// Stop after this many inputs.
    #[arg(long)]
    runs: Option<u64>,
    /// PRNG seed: the same seed gives the same inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Corpus the seeds come from (default: $MSGWIRE_VECTORS, else the built-in corpus).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Write each failure as a wire script under `DIR/<protocol>-server/` (`-client/`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Known failures (one signature a line, `#` comments): they do not fail the run.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write this run's failure signatures as a baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Seconds one exchange may take (longer: no reply).
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Exchanges tried while minimizing one failure.
    #[arg(long, default_value_t = 300)]
    minimize_tries: usize,
    /// Write a JSON report.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a self-contained HTML report.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Append a Markdown summary.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// The server's (the client library's) name in reports.
    #[arg(long)]
    name: Option<String>,
    /// Colours in the summary.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Args)]
struct FuzzArgs {
    /// The implementation, through the adapter contract (persistent: `CMD serve`).
    #[arg(long, value_name = "CMD")]
    adapter: String,
    /// Run the adapter once per input (one-shot mode) instead of as one `CMD serve`.
    #[arg(long)]
    one_shot: bool,
    /// Only this protocol (repeatable; default: all five, those the adapter supports).
    #[arg(long, value_parser = PROTOCOLS)]
    protocol: Vec<String>,
    /// The profile (default: each protocol's first, `strict`).
    #[arg(long)]
    profile: Option<String>,
    /// Time budget: `90s`, `10m`, `1h`, `500ms` or seconds.
    #[arg(long, value_parser = parse_duration)]
    time: Option<Duration>,
    /// Stop after this many inputs.
    #[arg(long)]
    runs: Option<u64>,
    /// PRNG seed: the same seed gives the same inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Corpus the seeds come from (default: $MSGWIRE_VECTORS, else the built-in corpus).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Write each disagreement as a vector file under `DIR/<protocol>/`.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Known disagreements (one signature a line, `#` comments): they do not fail the run.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write this run's disagreement signatures as a baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Seconds one decode may take (longer: a hang).
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Candidates tried while minimizing one disagreement.
    #[arg(long, default_value_t = msgwire_conformance::fuzz::minimize::MAX_TRIES)]
    minimize_tries: usize,
    /// Write a JSON report.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a self-contained HTML report.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Append a Markdown summary (for a CI job summary, e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// The implementation's name in reports.
    #[arg(long)]
    name: Option<String>,
    /// Colours in the summary.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// `90s`, `10m`, `1h`, `500ms`, or a number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected e.g. 90s, 10m, 1h"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("{s:?}: the unit is ms, s, m or h")),
    };
    if !(secs > 0.0 && secs < 1e7) {
        return Err(format!("{s:?}: out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[derive(Subcommand)]
enum ReportCommand {
    /// JSON reports → the peer matrix (Markdown, and optionally HTML).
    Matrix {
        /// JSON reports written by `check codec --json`, one per implementation (row); `-`: stdin.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        /// Write the Markdown here (default: stdout).
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
        /// Also write one HTML page.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Path from the Markdown file to vectors/, for links to failing cases.
        #[arg(long, default_value = "../vectors")]
        vectors_link: String,
        /// A file whose text goes before the matrix (`-`: stdin).
        #[arg(long, value_name = "FILE")]
        preamble: Option<PathBuf>,
    },
}

/// A FILE argument's bytes: `-` (or none) is stdin.
fn read_input(file: Option<&PathBuf>) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    match file.filter(|p| p.as_os_str() != "-") {
        Some(p) => buf = std::fs::read(p).map_err(|e| format!("msgwire: {}: {e}", p.display()))?,
        None => {
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("msgwire: stdin: {e}"))?;
        }
    }
    Ok(buf)
}

/// The input `decode` reads as it goes (a file, or stdin for none or `-`) and its name in
/// read errors.
fn open_input(file: Option<&PathBuf>) -> Result<(Box<dyn Read>, String), String> {
    match file.filter(|p| p.as_os_str() != "-") {
        Some(p) => std::fs::File::open(p)
            .map(|f| (Box::new(f) as Box<dyn Read>, p.display().to_string()))
            .map_err(|e| format!("msgwire: {}: {e}", p.display())),
        None => Ok((Box::new(std::io::stdin().lock()), "stdin".into())),
    }
}

fn main() {
    let cli = Cli::parse();
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
    let code = match cli.command {
        Command::Decode(c) => match open_input(c.file.as_ref()) {
            Ok((mut input, source)) => {
                // Buffered: `decode_reader` flushes before every read that may wait.
                let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut out);
                cli::decode_reader(
                    &c.protocol,
                    &mut input,
                    &source,
                    c.hex,
                    c.profile.as_deref(),
                    c.framing.as_deref(),
                    c.wire.as_deref(),
                    &mut out,
                    &mut err,
                )
            }
            Err(e) => {
                eprintln!("{e}");
                cli::EXIT_USAGE
            }
        },
        Command::Encode(c) => match read_input(c.file.as_ref()) {
            Ok(input) => cli::encode(
                &c.protocol,
                &input,
                c.hex,
                c.profile.as_deref(),
                c.framing.as_deref(),
                c.wire.as_deref(),
                &mut out,
                &mut err,
            ),
            Err(e) => {
                eprintln!("{e}");
                cli::EXIT_USAGE
            }
        },
        Command::Vectors {
            command: VectorsCommand::List { protocol, vectors },
        } => cli::vectors_list(vectors.as_deref(), protocol.as_deref(), &mut out, &mut err),
        Command::Vectors {
            command:
                VectorsCommand::Count {
                    files,
                    check,
                    write,
                    vectors,
                },
        } => {
            let mode = match (check, write) {
                (true, _) => cli::CountMode::Check,
                (_, true) => cli::CountMode::Write,
                _ => cli::CountMode::Print,
            };
            cli::vectors_count(vectors.as_deref(), &files, mode, &mut out, &mut err)
        }
        Command::Vectors {
            command: VectorsCommand::Show { id, vectors },
        } => cli::vectors_show(vectors.as_deref(), &id, &mut out, &mut err),
        Command::Check {
            command: CheckCommand::AmqpBroker(a),
        } => {
            let (url, opts) = live_options(a);
            msgwire_conformance::live::check_amqp_broker(url.as_deref(), &opts, &mut out, &mut err)
        }
        Command::Check {
            command: CheckCommand::MsgpackRpcServer(a),
        } => {
            let (url, opts) = live_options(a.live);
            msgwire_conformance::live::check_msgpack_rpc_server(
                url.as_deref(),
                a.command.as_deref(),
                a.echo_method.as_deref(),
                &opts,
                &mut out,
                &mut err,
            )
        }
        Command::Check {
            command: CheckCommand::ThriftServer(a),
        } => {
            let (url, opts) = live_options(a.live);
            msgwire_conformance::live::check_thrift_server(
                url.as_deref(),
                Some(&a.protocol),
                Some(&a.transport),
                &opts,
                &mut out,
                &mut err,
            )
        }
        Command::Check {
            command: CheckCommand::JsonrpcServer(a),
        } => {
            let (url, opts) = live_options(a.live);
            msgwire_conformance::live::check_jsonrpc_server(
                url.as_deref(),
                a.command.as_deref(),
                a.framing.as_deref(),
                a.echo_method.as_deref(),
                &opts,
                &mut out,
                &mut err,
            )
        }
        Command::Check {
            command:
                c @ (CheckCommand::JsonrpcClient(_)
                | CheckCommand::AmqpClient(_)
                | CheckCommand::XmlrpcClient(_)
                | CheckCommand::MsgpackRpcClient(_)),
        } => {
            let (suite, a) = match c {
                CheckCommand::AmqpClient(a) => ("amqp-client", a),
                CheckCommand::JsonrpcClient(a) => ("jsonrpc-client", a),
                CheckCommand::XmlrpcClient(a) => ("xmlrpc-client", a),
                CheckCommand::MsgpackRpcClient(a) => ("msgpack-rpc-client", a),
                _ => unreachable!(),
            };
            let (url, opts) = live_options(a.live);
            if url.is_some() {
                eprintln!("msgwire: check {suite} takes no URL: msgwire listens itself (name the client with --driver CMD)");
                std::process::exit(cli::EXIT_USAGE);
            }
            let check = match suite {
                "amqp-client" => msgwire_conformance::live::check_amqp_client,
                "xmlrpc-client" => msgwire_conformance::live::check_xmlrpc_client,
                "msgpack-rpc-client" => msgwire_conformance::live::check_msgpack_rpc_client,
                _ => msgwire_conformance::live::check_jsonrpc_client,
            };
            check(a.driver.as_deref(), &opts, &mut out, &mut err)
        }
        Command::Check {
            command: CheckCommand::XmlrpcServer(a),
        } => {
            let (url, opts) = live_options(a.live);
            msgwire_conformance::live::check_xmlrpc_server(
                url.as_deref(),
                a.echo_method.as_deref(),
                &opts,
                &mut out,
                &mut err,
            )
        }
        Command::Check {
            command: CheckCommand::Codec(a),
        } => {
            if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout <= 3600.0) {
                eprintln!("msgwire: --timeout is a number of seconds in (0, 3600]");
                std::process::exit(cli::EXIT_USAGE);
            }
            let color = a.color.on();
            let o = CheckOptions {
                vectors: a.vectors,
                protocols: a.protocol,
                only: a.only,
                skip: a.skip,
                profile: a.profile,
                strict: a.strict,
                baseline: a.baseline,
                write_baseline: a.write_baseline,
                json: a.json,
                junit: a.junit,
                html: a.html,
                markdown: a.markdown,
                adapter: a.adapter,
                persistent: a.persistent,
                timeout: Some(Duration::from_secs_f64(a.timeout)),
                name: a.name,
                color,
                progress: if std::io::stderr().is_terminal() {
                    ProgressOutput::Counter
                } else {
                    ProgressOutput::Lines
                },
            };
            // Panics inside a codec are caught and reported as crashes; keep the terminal clean.
            std::panic::set_hook(Box::new(|_| {}));
            cli::check_codec(&o, &mut out, &mut err)
        }
        Command::Report {
            command:
                ReportCommand::Matrix {
                    reports,
                    markdown,
                    html,
                    vectors_link,
                    preamble,
                },
        } => {
            let pre = match preamble.as_deref().map(cli::read_text).transpose() {
                Ok(p) => p.unwrap_or_default(),
                Err(e) => {
                    eprintln!("msgwire: --preamble: {e}");
                    std::process::exit(cli::EXIT_USAGE);
                }
            };
            cli::report_matrix(
                &reports,
                markdown.as_deref(),
                html.as_deref(),
                &vectors_link,
                &pre,
                &mut out,
                &mut err,
            )
        }
        Command::Fuzz {
            command: FuzzCommand::Codec(a),
        } => {
            if !(a.timeout > 0.0 && a.timeout <= 3600.0) {
                eprintln!("msgwire: --timeout is a number of seconds in (0, 3600]");
                std::process::exit(cli::EXIT_USAGE);
            }
            let color = a.color.on();
            let o = cli::FuzzOptions {
                adapter: a.adapter,
                one_shot: a.one_shot,
                protocols: a.protocol,
                profile: a.profile,
                time: a.time,
                runs: a.runs,
                seed: a.seed,
                corpus: a.corpus,
                out_dir: a.out,
                baseline: a.baseline,
                write_baseline: a.write_baseline,
                timeout: Duration::from_secs_f64(a.timeout),
                minimize_tries: a.minimize_tries,
                json: a.json,
                junit: a.junit,
                html: a.html,
                markdown: a.markdown,
                name: a.name,
                color,
                progress: if std::io::stderr().is_terminal() {
                    ProgressOutput::Counter
                } else {
                    ProgressOutput::Lines
                },
            };
            // Panics inside our codecs are caught and judged (msgwire-crash); keep the terminal
            // clean of them, but a panic of the fuzzer itself is said, not swallowed, with the
            // place it happened (the hook keeps the last panic's location for that).
            static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
            std::panic::set_hook(Box::new(|info| {
                if let Ok(mut last) = LAST_PANIC.lock() {
                    *last = info.location().map(|l| l.to_string());
                }
            }));
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                cli::fuzz_codec(&o, &mut out, &mut err)
            })) {
                Ok(code) => code,
                Err(p) => {
                    let what = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let at = LAST_PANIC
                        .lock()
                        .ok()
                        .and_then(|l| l.clone())
                        .map(|l| format!(" (at {l})"))
                        .unwrap_or_default();
                    eprintln!(
                        "msgwire: fuzz codec: internal error (a bug of msgwire's): {what}{at}"
                    );
                    101
                }
            }
        }
        Command::Fuzz { command } => match command {
            FuzzCommand::Codec(_) => unreachable!("fuzz codec is matched above"),
            FuzzCommand::JsonrpcServer(a) => fuzz_server(*a, "jsonrpc", &mut out, &mut err),
            FuzzCommand::XmlrpcServer(a) => fuzz_server(*a, "xmlrpc", &mut out, &mut err),
            FuzzCommand::MsgpackRpcServer(a) => fuzz_server(*a, "msgpack-rpc", &mut out, &mut err),
            FuzzCommand::AmqpServer(a) => fuzz_server(*a, "amqp", &mut out, &mut err),
            FuzzCommand::ThriftServer(a) => {
                let s = cli::ServerTarget {
                    url: a.url,
                    framing: Some(a.transport),
                    wire: Some(a.protocol),
                    replay: a.live.replay.clone(),
                    restart: a.restart.get(),
                    ..Default::default()
                };
                fuzz_live(a.live, &s, "thrift", &mut out, &mut err)
            }
            FuzzCommand::JsonrpcClient(a) => fuzz_client(*a, "jsonrpc", &mut out, &mut err),
            FuzzCommand::XmlrpcClient(a) => fuzz_client(*a, "xmlrpc", &mut out, &mut err),
            FuzzCommand::MsgpackRpcClient(a) => fuzz_client(*a, "msgpack-rpc", &mut out, &mut err),
            FuzzCommand::AmqpClient(a) => fuzz_client(*a, "amqp", &mut out, &mut err),
        },
        Command::Serve => cli::serve(&mut std::io::stdin().lock(), &mut out),
    };
    std::process::exit(code);
}

/// `msgwire fuzz <protocol>-server`.
fn fuzz_server(
    a: FuzzServerArgs,
    protocol: &str,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let s = cli::ServerTarget {
        url: a.url,
        command: a.command,
        framing: a.framing,
        echo: a.echo_method,
        replay: a.live.replay.clone(),
        driver: None,
        wire: None,
        restart: a.restart.get(),
    };
    if s.restart.is_some() && s.command.is_some() {
        eprintln!(
            "msgwire: --restart is for a server at a URL (a --command child is not restarted)"
        );
        std::process::exit(cli::EXIT_USAGE);
    }
    fuzz_live(a.live, &s, protocol, out, err)
}

/// `msgwire fuzz <protocol>-client`.
fn fuzz_client(
    a: FuzzClientArgs,
    protocol: &str,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let s = cli::ServerTarget {
        replay: a.live.replay.clone(),
        driver: Some(a.driver),
        ..Default::default()
    };
    fuzz_live(a.live, &s, protocol, out, err)
}

/// The options of a live fuzzer, then the run.
fn fuzz_live(
    a: FuzzLiveArgs,
    s: &cli::ServerTarget,
    protocol: &str,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    if !(a.timeout > 0.0 && a.timeout <= 600.0) {
        eprintln!("msgwire: --timeout is a number of seconds in (0, 600]");
        std::process::exit(cli::EXIT_USAGE);
    }
    let color = a.color.on();
    let o = cli::FuzzOptions {
        time: a.time,
        runs: a.runs,
        seed: a.seed,
        corpus: a.corpus,
        out_dir: a.out,
        baseline: a.baseline,
        write_baseline: a.write_baseline,
        timeout: Duration::from_secs_f64(a.timeout),
        minimize_tries: a.minimize_tries,
        json: a.json,
        junit: a.junit,
        html: a.html,
        markdown: a.markdown,
        name: a.name,
        color,
        ..Default::default()
    };
    cli::fuzz_server(&o, s, protocol, out, err)
}
