import ShardedHeap

/// Copies values off the Swift heap into images: single blocks of position-independent bytes
/// that can be read in place, decoded back, written to a file and mapped again.
///
/// ```swift
/// let image = try OffHeap.copy(people)        // [Person] -> one block of mimalloc memory
/// let person = try image.elements[1_000]      // decodes one element
/// try image.write(to: "/data/people.img")      // atomically
/// image.free()                                 // or let it go
/// ```
///
/// Codable is the schema: a value is copied through its `encode(to:)` and rebuilt through its
/// `init(from:)`. See <doc:ImageFormat> for the byte layout.
public enum OffHeap {
    /// The deepest nesting of containers a value may have, in both copying and reading. Deeper
    /// values fail with ``ImageError/tooDeep(limit:)`` instead of overflowing the stack.
    ///
    /// Codable recurses once per nesting level (arrays are iterated, not recursed), using a few
    /// hundred bytes of stack per level; 256 levels fit easily in a 512 KiB thread stack.
    public static let maximumDepth = 256

    /// Copies `value` into a new image in memory from `allocator`.
    ///
    /// Arrays are written element by element and referenced through offset tables; arrays of a
    /// standard number type are packed. Only nesting recurses, up to ``maximumDepth`` levels.
    ///
    /// - Parameters:
    ///   - value: The value to copy; it is not changed.
    ///   - allocator: Where the image's memory comes from; the image frees it through the same
    ///     allocator (regions, which free only all at once, are not allocators and do not compile
    ///     here). The calling thread's default mimalloc heap by default.
    /// - Returns: The image, which owns its memory.
    /// - Throws: ``ImageError/tooDeep(limit:)`` for values nested deeper than ``maximumDepth``,
    ///   ``ImageError/allocationFailed(_:)`` when the memory cannot be had, `EncodingError` or any
    ///   other error the value's `encode(to:)` throws, unchanged.
    /// - Complexity: O(size of the value); the image grows by doubling, so each byte is copied
    ///   O(1) times on average. While copying, the offsets of the current arrays' elements are
    ///   held on the Swift heap (8 bytes per element).
    ///
    /// Any thread may call this.
    public static func copy<V: Codable, A: Allocator & Sendable>(
        _ value: V,
        allocator: A = MimallocAllocator()
    ) throws -> OffHeapImage<V> {
        let writer = try ImageWriter(allocator: allocator, initialCapacity: 64 * 1024, maximumDepth: maximumDepth)
        let root = try writer.encodeValue(value, depth: 0, key: nil)
        let storage = try writer.finishImage(root: root, fingerprint: ImageFingerprint.of(V.self))
        return OffHeapImage(content: try ImageContent(storage: storage, as: V.self))
    }
}
