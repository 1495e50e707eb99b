fn main() {
    eprintln!("msgwire: not yet");
    std::process::exit(2);
}
