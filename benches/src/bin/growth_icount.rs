//! Instruction counts for the growth families, for callgrind (which counts neither page faults
//! nor cache misses, so a family's instructions per byte move only with its algorithm):
//!
//! ```text
//! benches/growth-icount.sh              # runs this binary under valgrind, writes JSON lines
//! growth_icount list                    # the families, one per line
//! growth_icount references              # the families kept as references (expected to grow)
//! growth_icount FAMILY SIZE N           # builds the input, runs the family N times on it
//! ```
//! The per-run count is the difference between N and 0 runs, over N; the input's length is
//! printed so the script divides by the bytes actually built.

use msgwire_benches::growth::{cases, REFERENCES};
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [list] if list == "list" => {
            for (family, ..) in cases() {
                println!("{family}");
            }
        }
        [refs] if refs == "references" => {
            for family in REFERENCES {
                println!("{family}");
            }
        }
        [family, size, n] => {
            let (_, make, run) = cases()
                .into_iter()
                .find(|(name, ..)| name == family)
                .unwrap_or_else(|| panic!("unknown family {family}"));
            let size: usize = size.parse().expect("SIZE is a number of bytes");
            let n: usize = n.parse().expect("N is a number of runs");
            let wire = make(size);
            let mut sink = 0usize;
            for _ in 0..n {
                sink = sink.wrapping_add(run(black_box(&wire)));
            }
            println!("{} {}", wire.len(), black_box(sink));
        }
        _ => {
            eprintln!("usage: growth_icount list | references | FAMILY SIZE N");
            std::process::exit(2);
        }
    }
}
