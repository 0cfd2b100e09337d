//! Log lines go to stderr from a thread of their own, so a tool call never waits on a write to
//! stderr: the write is a system call, and a client that reads the pipe slowly would stall every
//! call. Each formatted line is handed over whole; at the end of `main` the thread writes what
//! is left and stops, so no line is lost. After that (or if the thread cannot start) lines are
//! written straight to stderr.

use std::io::Write;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tracing_subscriber::fmt::MakeWriter;

/// Lines waiting at most; a logger that falls further behind makes callers wait rather than
/// drop lines.
const QUEUED_LINES: usize = 4096;

/// The `MakeWriter` of the log layer: each event is formatted into a [`Line`] and queued.
#[derive(Clone, Debug)]
pub struct StderrLog {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    sender: Mutex<Option<SyncSender<Vec<u8>>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl StderrLog {
    /// Starts the writing thread.
    pub fn start() -> StderrLog {
        let (sender, receiver) = sync_channel::<Vec<u8>>(QUEUED_LINES);
        let thread = std::thread::Builder::new()
            .name("stderr-log".into())
            .spawn(move || {
                let stderr = std::io::stderr();
                for line in receiver {
                    let _ = stderr.lock().write_all(&line);
                }
            })
            .ok();
        let sender = thread.as_ref().map(|_| sender);
        StderrLog {
            shared: Arc::new(Shared {
                sender: Mutex::new(sender),
                thread: Mutex::new(thread),
            }),
        }
    }

    /// Writes every queued line and stops the thread; later lines go straight to stderr.
    pub fn finish(&self) {
        let sender = self.shared.sender.lock().ok().and_then(|mut s| s.take());
        drop(sender);
        let thread = self.shared.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

/// One event's text, queued when the log layer is done with it.
pub struct Line {
    text: Vec<u8>,
    sender: Option<SyncSender<Vec<u8>>>,
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let text = std::mem::take(&mut self.text);
        if text.is_empty() {
            return;
        }
        let unsent = match &self.sender {
            Some(sender) => sender.send(text).err().map(|e| e.0),
            None => Some(text),
        };
        if let Some(text) = unsent {
            let _ = std::io::stderr().lock().write_all(&text);
        }
    }
}

impl<'a> MakeWriter<'a> for StderrLog {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        let sender = self.shared.sender.lock().ok().and_then(|s| s.clone());
        Line {
            text: Vec::with_capacity(256),
            sender,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_handed_over_before_finish_returns() {
        let log = StderrLog::start();
        let (sender, receiver) = sync_channel::<Vec<u8>>(QUEUED_LINES);
        // Swap the thread's channel for one the test reads, to see what would be written.
        *log.shared.sender.lock().unwrap() = Some(sender);
        for n in 0..100 {
            let mut line = log.make_writer();
            writeln!(line, "line {n}").unwrap();
        }
        log.finish();
        let lines: Vec<Vec<u8>> = receiver.try_iter().collect();
        assert_eq!(lines.len(), 100);
        assert_eq!(lines[99], b"line 99\n");
        // After finish, a line is written directly and nothing is queued.
        assert!(log.make_writer().sender.is_none());
    }
}
