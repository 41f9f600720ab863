import ShardedHeap

/// The state of one ``OffHeap/copy(_:allocator:)``: the growing image, the interned keys, the
/// open frames and the coding path.
///
/// Nodes are written in post-order: a value's children first, then its node, which refers back to
/// them by distance. A container's node is written when the value that owns it returns from
/// `encode(to:)` (Codable has no other "end of container" signal), so nested containers
/// (`nestedContainer`, `superEncoder`) stay open as pending frames until their parent finishes.
///
/// Arrays are written by iteration, as `Array.encode(to:)` loops over its elements; only nesting
/// recurses, and nesting is limited to ``maximumDepth``.
///
/// One thread uses a writer, from start to finish.
///
/// The mutable properties are `@exclusivity(unchecked)`: only the one thread copying touches
/// them, and no access to one of them overlaps another access to it (every access is a single
/// read, write or append), so the dynamic exclusivity checks would only cost time.
final class ImageWriter {
    @exclusivity(unchecked) var buffer: UnsafeMutableRawPointer?
    @exclusivity(unchecked) var capacity: Int
    @exclusivity(unchecked) var count: Int
    let allocator: any Allocator & Sendable
    let maximumDepth: Int

    @exclusivity(unchecked) var keyIDs: [String: UInt32] = [:]
    @exclusivity(unchecked) var keyOffsets: [Int] = []
    /// The key last interned at each field position (up to 32), tried before `keyIDs`: records
    /// of one type name their fields in the same order every time.
    @exclusivity(unchecked) var recentKeys: [(name: String, id: UInt32)] = []

    @exclusivity(unchecked) var frames: [ImageWriterFrame] = []
    @exclusivity(unchecked) var freeFrames: [Int] = []
    @exclusivity(unchecked) var path: [any CodingKey] = []
    /// An error raised where Codable gives no way to throw (`nestedContainer`); thrown at the next
    /// operation that can.
    @exclusivity(unchecked) var deferredError: (any Error)?

    init(allocator: any Allocator & Sendable, initialCapacity: Int, maximumDepth: Int) throws(ImageError) {
        self.allocator = allocator
        self.maximumDepth = maximumDepth
        self.capacity = max(initialCapacity, 4096)
        do {
            self.buffer = try allocator.allocate(byteCount: capacity, alignment: 16)
        } catch {
            throw .allocationFailed(error)
        }
        // Safe: the buffer has at least 4096 bytes; the header is filled in at the end.
        buffer!.initializeMemory(as: UInt8.self, repeating: 0, count: ImageFormat.headerSize)
        self.count = ImageFormat.headerSize
    }

    deinit {
        if let buffer { allocator.deallocate(buffer) }
    }

    /// Hands the finished bytes over; the writer no longer frees them.
    func take() -> UnsafeMutableRawPointer {
        let taken = buffer!
        buffer = nil
        return taken
    }
}

extension ImageWriter {
    /// Writes the key table and the header, trims the block, and hands it to a storage.
    func finishImage(root: Int, fingerprint: UInt64) throws -> ImageStorage {
        if let deferredError { throw deferredError }
        let keyTable = try writeArray(keyOffsets)
        let length = count
        let header = ImageHeader(fingerprint: fingerprint, root: root, length: length, keyTable: keyTable)
        // Safe: the buffer holds at least `length` bytes, the header's 64 among them.
        header.write(to: UnsafeMutableRawBufferPointer(start: buffer, count: ImageFormat.headerSize))
        if capacity - length > length / 8 {
            // Trimming is an optimisation; on failure the larger block is kept.
            if let trimmed = try? allocator.reallocate(buffer!, byteCount: length, alignment: 16) {
                buffer = trimmed
                capacity = length
            }
        }
        return ImageStorage(base: take(), count: length, release: .allocator(allocator))
    }
}
