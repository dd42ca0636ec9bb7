//! The `incentives` binary: a thin shell over the library.

use std::io::Write;

use clap::{CommandFactory, Parser};
mod cli;

use cli::{run, Cli};

fn main() {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        // The desktop app opens here once it exists; until then, the usage.
        let _ = Cli::command().print_help();
        println!();
        return;
    };
    match run(command) {
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
