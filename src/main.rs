//! The `incentives` binary: a thin shell over the library. With no arguments it opens the
//! desktop app; with a subcommand it runs the command line.

use std::io::Write;

use clap::Parser;
mod cli;

use cli::{run, Cli};

fn main() {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        if let Err(e) = incentives::app::run(cli.project) {
            eprintln!(
                "incentives: the window could not open ({e}). Without a display, use the command line: incentives calc PROJECT.ron (incentives --help lists every command)"
            );
            std::process::exit(1);
        }
        return;
    };
    match run(command, &mut std::io::stdout().lock()) {
        // A closed pipe (`| head`) is not an error worth a panic.
        Ok(out) => {
            let _ = std::io::stdout().write_all(out.as_bytes());
        }
        Err(f) => {
            eprintln!("{}", f.message.trim_end());
            std::process::exit(f.code);
        }
    }
}
