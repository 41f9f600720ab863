import ShardedHeap

#if canImport(Glibc)
import Glibc
#endif

/// The bytes of one image and how to give them back: memory from an allocator (a copied image)
/// or a read-only file mapping (a mapped image).
///
/// Images, cursors and element views share the storage by reference, so the bytes stay valid
/// while any of them is alive; the last one to go frees or unmaps them.
final class ImageStorage {
    /// How the bytes are released.
    enum Release {
        case allocator(any Allocator & Sendable)
        case unmap
    }

    let base: UnsafeRawPointer
    let count: Int
    let release: Release

    init(base: UnsafeRawPointer, count: Int, release: Release) {
        self.base = base
        self.count = count
        self.release = release
    }

    deinit {
        switch release {
        case .allocator(let allocator):
            allocator.deallocate(UnsafeMutableRawPointer(mutating: base))
        case .unmap:
            // Safe: `base` and `count` are exactly what mmap returned and was asked for, and no
            // reader outlives the storage (readers hold it).
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        }
    }

    /// The bounds-checked view the readers use.
    var bytes: ImageBytes { ImageBytes(base: base, count: count) }
}

// @unchecked: the bytes never change after the storage is made (a copied image is complete
// before its storage exists; a mapping is read-only), and they are released only in deinit,
// after the last reference is gone.
extension ImageStorage: @unchecked Sendable {}
