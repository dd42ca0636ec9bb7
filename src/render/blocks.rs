//! The (project, year) blocks of a report made on several threads and written in order:
//! each thread has its own `Explainer` and its own state, makes a run of blocks into a
//! buffer, and hands the buffer over through its own one-slot channel.

use std::io::Write;

use crate::engine::{Blocks, Explainer};
use crate::project::ProjectFile;

/// Writes every block of `blocks` to `w`, in order, each made by `make` (with a thread's
/// `state` and `Explainer`) on one of `workers` threads, `run` blocks at a time (enough to
/// keep a thread busy, few enough to stay small). Thread k makes runs k, k + workers,
/// …, and the runs are taken in order, so at most two runs a thread wait in memory; a
/// failed write stops the threads at their next run.
pub(crate) fn write_in_order<S>(
    file: &ProjectFile,
    blocks: &Blocks,
    workers: usize,
    run: usize,
    state: impl Fn() -> S + Sync,
    make: impl Fn(&mut S, &mut Explainer, usize, &mut Vec<u8>) + Sync,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let (workers, size) = (workers.max(1), run.max(1));
    let runs = blocks.len().div_ceil(size);
    let (state, make) = (&state, &make);
    std::thread::scope(|scope| -> std::io::Result<()> {
        let mut made = Vec::with_capacity(workers);
        for worker in 0..workers {
            let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
            made.push(receive);
            scope.spawn(move || {
                let mut explainer = Explainer::new(file);
                let mut own = state();
                for run in (worker..runs).step_by(workers) {
                    let mut out = Vec::new();
                    for index in run * size..((run + 1) * size).min(blocks.len()) {
                        make(&mut own, &mut explainer, index, &mut out);
                    }
                    // The writer stopped (its output failed): nothing more to make.
                    if send.send(out).is_err() {
                        return;
                    }
                }
            });
        }
        for run in 0..runs {
            // A thread ends only after its last run, so every run arrives; returning on a
            // write error drops the receivers, which stops the threads.
            if let Ok(out) = made[run % workers].recv() {
                w.write_all(&out)?;
            }
        }
        Ok(())
    })
}
