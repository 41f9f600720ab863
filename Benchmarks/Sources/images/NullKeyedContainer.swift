/// The keyed container of ``NullDecoder``: strings and integers only.
struct NullKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The name every `String` field gets: 17 bytes, so each is a heap string, as about half
    /// of the benchmark's names are.
    static var name: StaticString { "Ada Lovelace-Byrn" }

    let counter: NullDecoder.Counter

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        counter.fields &+= 1
        let name = Self.name
        // The standard library's direct UTF-8 path, which ShardGroup's reader uses too.
        return String._tryFromUTF8(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))!
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        counter.fields &+= 1
        return counter.fields
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { throw unsupported(type) }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        throw unsupported(type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw unsupported([Any].self)
    }
    func superDecoder() throws -> any Decoder { throw unsupported(Any.self) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw unsupported(Any.self) }

    private func unsupported(_ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "NullDecoder: String and Int only"))
    }
}
