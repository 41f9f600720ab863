/// The checked header and bytes of an image: what ``OffHeapImage`` and ``MappedImage`` share.
struct ImageContent: Sendable {
    let source: ImageSource
    let header: ImageHeader

    /// Checks the header of `storage` against `V`. O(1).
    init<V>(storage: ImageStorage, as type: V.Type) throws(ImageError) {
        self.header = try ImageHeader.read(
            from: storage.bytes,
            expectedFingerprint: ImageFingerprint.of(type),
            typeName: ImageFingerprint.name(of: type)
        )
        self.source = ImageSource(storage: storage, keyTable: header.keyTable)
    }

    /// The image's bytes and how they are released.
    var storage: ImageStorage { source.storage }

    func get<V: Decodable>(_ type: V.Type) throws -> V {
        try source.withPass { pass in try pass.decodeValue(type, at: ImageNodeRef(offset: header.root)) }
    }

    var root: ImageCursor {
        ImageCursor(source: source, ref: ImageNodeRef(offset: header.root))
    }
}
