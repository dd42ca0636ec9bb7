//! The `incentives` binary: a thin shell over the library. With no arguments it opens the
//! desktop app; with a subcommand it runs the command line.
//!
//! Every write is checked and flushed. Output that cannot be written (a closed pipe, a full
//! disk) is one line on standard error and exit code 74; when standard error is gone too,
//! the exit code alone says so. Nothing here panics on output. (A standard output closed
//! before the start, `>&-`, is given /dev/null by the runtime: the output is discarded as
//! with `> /dev/null`.)

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use clap::Parser;
mod cli;

use cli::{output_failure, run, Cli, OutputKind, EXIT_IO};
use incentives::pack::Lang;
use incentives::visible::{one_line_error, visible, visible_lines};

fn main() {
    std::process::exit(exit_code());
}

fn exit_code() -> i32 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // A usage error quotes the arguments: it is made again from arguments whose
            // control characters are written out, so none reaches the terminal.
            let shown: Vec<std::ffi::OsString> = args
                .iter()
                .map(|a| match a.to_str() {
                    Some(s) => visible(s).into_owned().into(),
                    None => a.clone(),
                })
                .collect();
            let e = Cli::try_parse_from(&shown).err().unwrap_or(e);
            return clap_message(&e);
        }
        Err(e) => return clap_message(&e),
    };
    let Some(command) = cli.command else {
        return open_app(cli.project);
    };
    let lang = command.lang();
    match run(command) {
        Ok(out) => {
            let text = match out.kind {
                OutputKind::Text => visible_lines(&out.text),
                OutputKind::Data => Cow::Borrowed(out.text.as_str()),
            };
            match write_stdout(text.as_bytes()) {
                Ok(()) => 0,
                Err(problem) => {
                    say(&output_failure(&problem, lang).message);
                    EXIT_IO
                }
            }
        }
        Err(f) => {
            if f.several_lines {
                say(visible_lines(f.message.trim_end()).as_ref());
            } else {
                say(&one_line_error(f.message.trim_end()));
            }
            f.code
        }
    }
}

/// With no command: the window, or one line saying how to use the command line instead.
fn open_app(project: Option<std::path::PathBuf>) -> i32 {
    match incentives::app::run(project) {
        Ok(()) => 0,
        Err(e) => {
            let no_display = std::env::var_os("DISPLAY").is_none()
                && std::env::var_os("WAYLAND_DISPLAY").is_none();
            let why = if no_display {
                "no display: neither DISPLAY nor WAYLAND_DISPLAY is set".to_owned()
            } else {
                e
            };
            say(&one_line_error(&format!(
                "incentives: the window could not open ({why}). Without a display, use the command line: incentives calc PROJECT.ron (incentives --help lists every command)"
            )));
            1
        }
    }
}

/// Writes all of `bytes` to standard output and flushes it.
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush())
}

/// A line (or a report of lines) on standard error; if that fails there is no one to tell.
fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(text.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush());
}

/// clap's help, version and usage errors, with their writes checked: help and version go to
/// standard output (exit 74 if it cannot take them), usage errors to standard error (exit 2).
fn clap_message(e: &clap::Error) -> i32 {
    let plain = e.render().to_string();
    if e.use_stderr() {
        match visible_lines(&plain) {
            // Colours where the terminal shows them; clap reports a failed write itself
            // by returning it, and with standard error gone there is no one to tell.
            Cow::Borrowed(_) => {
                let _ = e.print();
            }
            // A control character in an argument is written out, not sent to the terminal.
            Cow::Owned(shown) => say(shown.trim_end()),
        }
        return e.exit_code();
    }
    let text = if std::io::stdout().is_terminal() {
        e.render().ansi().to_string()
    } else {
        plain
    };
    match write_stdout(text.as_bytes()) {
        Ok(()) => e.exit_code(),
        Err(problem) => {
            say(&output_failure(&problem, Lang::Zh).message);
            EXIT_IO
        }
    }
}
