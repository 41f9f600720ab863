import Foundation
import Glibc

/// The folder a runner writes its result files into, made and checked before the run, so that a
/// long measurement is never lost to a folder that cannot exist.
///
/// ```swift
/// let output = try OutputDirectory(creating: path)  // before measuring: fail fast
/// ...                                                 // measure, print the results
/// let written = try output.write(Data(markdown.utf8), to: "results.md")
/// ```
///
/// Errors are ``OutputError``s, whose description is one line for the user.
public struct OutputDirectory: Sendable {
    /// The folder, as given.
    public let path: String

    /// Makes the folder at `path`, with any folders above it that are missing (like `mkdir -p`),
    /// and checks that a new file can be made in it.
    ///
    /// - Parameter path: the folder, absolute or relative to the current directory.
    /// - Throws: ``OutputError`` `.create` when a folder cannot be made (say, a regular file is in
    ///   the way), `.write` when the folder exists but a file cannot be made in it.
    public init(creating path: String) throws(OutputError) {
        self.path = path
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += prefix.isEmpty || prefix.hasSuffix("/") ? String(component) : "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw OutputError(.create, prefix, errno: errno) }
        }
        var status = stat()
        guard stat(path, &status) == 0 else { throw OutputError(.create, path, errno: errno) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw OutputError(.create, path, errno: ENOTDIR) }
        let probe = file(".write-check-\(getpid())")
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw OutputError(.write, path, errno: errno) }
        close(descriptor)
        unlink(probe)
    }

    /// The path of the file `name` in this folder.
    public func file(_ name: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }

    /// Writes `data` to the file `name` in this folder: into a temporary file beside it, then
    /// renamed over it, so a failed write leaves any earlier file whole.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - name: the file's name in this folder.
    /// - Returns: the path written.
    /// - Throws: ``OutputError`` `.write` with the path and the system's reason.
    @discardableResult
    public func write(_ data: Data, to name: String) throws(OutputError) -> String {
        let target = file(name)
        let temporary = file(".\(name).\(getpid()).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw OutputError(.write, target, errno: errno) }
        var failure: CInt = 0
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 {
                    failure = written < 0 ? errno : EIO
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, target) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw OutputError(.write, target, errno: failure)
        }
        return target
    }
}
