//! Progress on stderr: a bar for sync, a timer for each send step. On a terminal they redraw
//! one line; otherwise (logs, pipes) they print a plain line at each milestone.

use std::{
    io::{IsTerminal, Write},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

const WIDTH: usize = 30;

/// A progress bar over a count that grows to a moving total.
pub struct Bar {
    label: &'static str,
    unit: &'static str,
    start: Instant,
    tty: bool,
    drawn: bool,
    last_tenth: Option<u64>,
}

impl Bar {
    /// A bar for `label`, counting `unit`.
    pub fn new(label: &'static str, unit: &'static str) -> Self {
        Self {
            label,
            unit,
            start: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            drawn: false,
            last_tenth: None,
        }
    }

    /// Shows `done` of `total`.
    pub fn set(&mut self, done: u32, total: u32) {
        let fraction = if total == 0 {
            1.0
        } else {
            f64::from(done.min(total)) / f64::from(total)
        };
        let elapsed = self.start.elapsed().as_secs_f64();
        if self.tty {
            let filled = (fraction * WIDTH as f64) as usize;
            eprint!(
                "\r{} [{}{}] {done}/{total} {} ({:.0}%, {elapsed:.1} s)",
                self.label,
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                self.unit,
                fraction * 100.0
            );
            let _ = std::io::stderr().flush();
            self.drawn = true;
        } else {
            // One line per tenth of the way, so logs stay short.
            let tenth = (fraction * 10.0) as u64;
            if self.last_tenth != Some(tenth) {
                self.last_tenth = Some(tenth);
                eprintln!(
                    "{}: {done}/{total} {} ({:.0}%, {elapsed:.1} s)",
                    self.label,
                    self.unit,
                    fraction * 100.0
                );
            }
        }
    }

    /// Ends the bar's line.
    pub fn finish(self) {
        if self.drawn {
            eprintln!();
        }
    }
}

/// A step that shows its elapsed time until dropped (proving takes seconds).
pub struct Spinner {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    label: String,
    start: Instant,
}

impl Spinner {
    /// Starts showing `label`.
    pub fn start(label: &str) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let start = Instant::now();
        let thread = std::io::stderr().is_terminal().then(|| {
            let (done, label) = (done.clone(), label.to_owned());
            std::thread::spawn(move || {
                let frames = ['|', '/', '-', '\\'];
                let mut frame = 0;
                while !done.load(Ordering::Relaxed) {
                    eprint!(
                        "\r{} {label}… {:.1} s",
                        frames[frame % 4],
                        start.elapsed().as_secs_f64()
                    );
                    let _ = std::io::stderr().flush();
                    frame += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        });
        Self {
            done,
            thread,
            label: label.to_owned(),
            start,
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
            eprint!("\r");
        }
        eprintln!(
            "{}: {:.1} s",
            self.label,
            self.start.elapsed().as_secs_f64()
        );
    }
}
