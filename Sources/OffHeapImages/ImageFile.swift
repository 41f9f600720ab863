#if canImport(Glibc)
import Glibc
#endif

/// The file side of images: atomic writes and read-only mappings (Glibc).
enum ImageFile {
    /// Writes `bytes` to `path` through a temporary file in the same directory: write, fsync,
    /// rename over `path`, fsync the directory. The temporary file is removed on failure.
    static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws(ImageError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .fileError(operation: "open", path: temporary, errno: errno) }
        var failure = writeAll(bytes, to: descriptor, path: temporary)
        if failure == nil && fsync(descriptor) != 0 {
            failure = .fileError(operation: "fsync", path: temporary, errno: errno)
        }
        // Closed exactly once, whatever happened above: a second close could close a descriptor
        // that another thread has opened in the meantime under the same number.
        if close(descriptor) != 0 && failure == nil {
            failure = .fileError(operation: "close", path: temporary, errno: errno)
        }
        if let failure {
            // Every error above captured `errno` before this call could change it.
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .fileError(operation: "rename", path: path, errno: code)
        }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]).isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw .fileError(operation: "open", path: directory, errno: errno) }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else {
            throw .fileError(operation: "fsync", path: directory, errno: errno)
        }
    }

    /// Writes all of `bytes` to `descriptor`, retrying after signals.
    /// - Returns: The error, with the `errno` of the failing call, or nil when every byte went out.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: CInt, path: String) -> ImageError? {
        var written = 0
        while written < bytes.count {
            // Safe: the range lies inside `bytes`, which the caller keeps alive.
            let result = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                return .fileError(operation: "write", path: path, errno: code)
            }
            written += result
        }
        return nil
    }

    /// Maps the file at `path` read-only and shared.
    static func map(_ path: String) throws(ImageError) -> ImageStorage {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .fileError(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .fileError(operation: "fstat", path: path, errno: errno) }
        let size = Int(status.st_size)
        guard size >= ImageFormat.headerSize else {
            throw .truncated(expectedAtLeast: ImageFormat.headerSize, found: size)
        }
        let address = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw .fileError(operation: "mmap", path: path, errno: errno) }
        // Safe: the mapping is `size` bytes long and read-only; the storage unmaps it in deinit.
        return ImageStorage(base: UnsafeRawPointer(address), count: size, release: .unmap)
    }
}
