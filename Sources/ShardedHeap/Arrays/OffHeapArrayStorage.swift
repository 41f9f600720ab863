/// The memory of an ``OffHeapArray``: elements in a block of an allocator, freed through it when
/// the last array sharing this storage goes away.
///
/// Arrays share a storage until one of them changes it; that one copies first (copy on write).
/// So a storage reachable from more than one array is never written, and one that is written has
/// a single owner: its fields need no dynamic exclusivity checks.
@usableFromInline
final class OffHeapArrayStorage<Element: BitwiseCopyable> {
    @usableFromInline let allocator: any Allocator & Sendable
    @exclusivity(unchecked) @usableFromInline var elements = ElementStorage<Element>()

    @usableFromInline
    init(allocator: any Allocator & Sendable) {
        self.allocator = allocator
    }

    deinit {
        // Elements are BitwiseCopyable: nothing to deinitialise.
        if let base = elements.base {
            allocator.deallocate(UnsafeMutableRawPointer(base))
        }
    }

    /// Moves the elements to a block of exactly `newCapacity` elements (at least `count`).
    @usableFromInline
    func resize(toCapacity newCapacity: Int) {
        require(
            newCapacity >= elements.count,
            "OffHeapArray: capacity \(newCapacity) is below the count \(elements.count)"
        )
        let byteCount = ElementStorage<Element>.byteCount(forCapacity: newCapacity, caller: "OffHeapArray")
        let raw: UnsafeMutableRawPointer
        do {
            if let base = elements.base {
                raw = try allocator.reallocate(
                    UnsafeMutableRawPointer(base),
                    byteCount: byteCount,
                    alignment: ElementStorage<Element>.alignment
                )
            } else {
                raw = try allocator.allocate(byteCount: byteCount, alignment: ElementStorage<Element>.alignment)
            }
        } catch {
            fatalError("OffHeapArray: \(error) (growing to \(newCapacity) elements)")
        }
        // Safe: the block holds `newCapacity` elements and its first `count` are ours, copied by
        // `reallocate`; Element is BitwiseCopyable, so binding raw bytes to it is sound.
        elements.base = raw.bindMemory(to: Element.self, capacity: newCapacity)
        elements.capacity = newCapacity
    }

    /// Grows geometrically to hold at least `minimumCapacity` elements.
    @usableFromInline
    @inline(never)
    func grow(toAtLeast minimumCapacity: Int) {
        resize(toCapacity: elements.grownCapacity(toAtLeast: minimumCapacity))
    }

    /// A storage of its own with the same elements, in the same allocator, with room for at
    /// least `minimumCapacity`.
    @usableFromInline
    @inline(never)
    func copy(minimumCapacity: Int) -> OffHeapArrayStorage {
        let copy = OffHeapArrayStorage(allocator: allocator)
        let capacity = Swift.max(minimumCapacity, elements.count)
        if capacity > 0 {
            copy.resize(toCapacity: capacity)
            // Safe: both buffers are distinct; the copy has room for every element.
            copy.elements.appendAssumingRoom(contentsOf: UnsafeBufferPointer(elements.buffer))
        }
        return copy
    }
}

// @unchecked: a storage shared by several arrays is only read (every mutation copies first
// unless the array holds the only reference), and its allocator is Sendable, so its block may be
// freed on any thread.
extension OffHeapArrayStorage: @unchecked Sendable {}
