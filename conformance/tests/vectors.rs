//! The vector corpus as `cargo test` trials: one per case × profile, named `id@profile`, so a
//! failure names the vector (`cargo test -p msgwire-conformance --test vectors -- amqp/frame`).
//!
//! A protocol whose canonical form is still the stub (it answers the kind `unimplemented`) has
//! its trials reported as ignored, not failed; they become real the moment the form lands. A
//! corpus that does not load is one failing trial, `corpus`, listing every schema problem.

use libtest_mimic::{Arguments, Failed, Trial};
use msgwire_conformance::runner::codec::{Ours, UNIMPLEMENTED};
use msgwire_conformance::runner::{plan, run_case, Implementation, Selection};
use msgwire_conformance::{corpus, forms};
use std::collections::HashMap;
use std::sync::Arc;

fn stub(protocol: &str) -> bool {
    let profile = forms::profiles(protocol)
        .and_then(|p| p.first().copied())
        .unwrap_or("strict");
    forms::decode(protocol, b"", profile)
        .is_none_or(|d| d.error.is_some_and(|e| e.kind == UNIMPLEMENTED))
}

fn main() {
    let args = Arguments::from_args();
    // The corpus the CLI uses: $MSGWIRE_VECTORS, else the one embedded in this build.
    let corpus = corpus::open(None).and_then(|c| c.check_profiles(forms::profiles).map(|()| c));
    let corpus = match corpus {
        Ok(c) => Arc::new(c),
        Err(e) => {
            let msg = format!("{}: {e}", corpus::origin(None));
            let t = Trial::test("corpus", move || Err(Failed::from(msg)));
            libtest_mimic::run(&args, vec![t]).exit();
        }
    };
    let mut trials = vec![Trial::test("corpus", || Ok(()))];
    let ours = Ours::default();
    let mut stubs: HashMap<String, bool> = HashMap::new();
    let planned = plan(&corpus, &Selection::default(), &ours);
    for t in planned {
        let (id, profile, verdict) = (t.case.id.clone(), t.profile.clone(), t.verdict);
        let protocol = t.case.protocol.clone();
        let unsupported = ours.profiles(&protocol).is_none()
            || *stubs
                .entry(protocol.clone())
                .or_insert_with(|| stub(&protocol));
        let corpus = Arc::clone(&corpus);
        let (tid, tprofile) = (id.clone(), profile.clone());
        let trial = Trial::test(format!("{id}@{profile}"), move || {
            let case = corpus.case(&tid).expect("planned from this corpus");
            let mut ours = Ours::default();
            let (class, detail, _) = run_case(&mut ours, case, &tprofile, verdict);
            if class.is_failure() {
                Err(Failed::from(format!(
                    "{}: {detail}\n  vector: {}#{}\n  verdict: {}",
                    class.name(),
                    case.file.display(),
                    case.pointer,
                    verdict.letter()
                )))
            } else {
                Ok(())
            }
        })
        .with_kind(protocol)
        .with_ignored_flag(unsupported);
        trials.push(trial);
    }
    libtest_mimic::run(&args, trials).exit();
}
