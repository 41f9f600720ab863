import Glibc

/// Why a runner could not make its output folder or write a file in it, as one line of text:
/// "cannot create PATH: REASON" or "cannot write PATH: REASON".
public struct OutputError: Error, CustomStringConvertible, Sendable {
    /// What failed.
    public enum Operation: String, Sendable {
        /// Making the folder (or one of the folders above it).
        case create
        /// Writing a file, or the check that the folder takes new files.
        case write
    }

    /// What failed.
    public let operation: Operation
    /// The folder or file it failed on.
    public let path: String
    /// The system's words for the cause, e.g. "Not a directory".
    public let reason: String

    /// An error with the given reason.
    public init(_ operation: Operation, _ path: String, reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    /// An error whose reason is `strerror(code)`.
    ///
    /// - Parameter code: an `errno` value.
    public init(_ operation: Operation, _ path: String, errno code: CInt) {
        self.init(operation, path, reason: String(cString: strerror(code)))
    }

    /// "cannot create PATH: REASON" or "cannot write PATH: REASON", one line.
    public var description: String { "cannot \(operation.rawValue) \(path): \(reason)" }
}
