//! The wording of input/output errors (a file that cannot be read or written), in zh or
//! en. A leaf: the readers of files (`load`, `project`) word their errors with it without
//! importing the message catalogue, which imports them.

use crate::lang::Lang;

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// What was being done when an input/output error came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadFile,
    ReadFolder,
    Write,
}

/// Why a file could not be read or written, in words: the common cases named, any other in
/// the system's own words (`detail`).
pub fn io_problem(kind: std::io::ErrorKind, detail: &str, access: Access, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    let said = match (kind, access) {
        (K::NotFound, Access::ReadFile) => t(lang, "文件不存在", "no such file"),
        (K::NotFound, Access::ReadFolder) => t(lang, "文件夹不存在", "no such folder"),
        (K::NotFound, Access::Write) => t(lang, "所在文件夹不存在", "no such folder"),
        (K::PermissionDenied, Access::Write) => t(lang, "没有写入权限", "permission denied"),
        (K::PermissionDenied, _) => t(lang, "没有读取权限", "permission denied"),
        (K::IsADirectory, _) => t(
            lang,
            "这是一个文件夹，不是文件",
            "it is a folder, not a file",
        ),
        (K::NotADirectory, Access::ReadFolder) => t(lang, "这不是文件夹", "it is not a folder"),
        (K::NotADirectory, _) => t(
            lang,
            "路径中有一段不是文件夹",
            "a part of the path is not a folder",
        ),
        (K::StorageFull, _) => t(lang, "磁盘已满", "the disk is full"),
        (K::QuotaExceeded, _) => t(lang, "超出磁盘配额", "the disk quota is exceeded"),
        (K::ReadOnlyFilesystem, _) => t(lang, "文件系统为只读", "the file system is read-only"),
        (K::BrokenPipe, _) => t(
            lang,
            "接收输出的程序已关闭管道",
            "the program reading the output closed the pipe",
        ),
        _ if detail.is_empty() => t(lang, "输入输出错误", "input/output error"),
        _ => detail,
    };
    said.to_owned()
}
