#if canImport(Glibc)
import Glibc
#endif

/// Writes progress to standard error, so that standard output holds only the report (and, with
/// `--json`, only the JSON document).
enum StandardError {
    /// Writes `line` and a newline to file descriptor 2, unbuffered.
    ///
    /// - Parameter line: The text to write.
    static func print(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            // Safe: bytes is not empty inside the loop, so baseAddress is non-nil; written < count.
            let result = bytes.withUnsafeMutableBytes { buffer in
                write(2, buffer.baseAddress! + written, buffer.count - written)
            }
            guard result > 0 else { return }
            written += result
        }
    }
}
