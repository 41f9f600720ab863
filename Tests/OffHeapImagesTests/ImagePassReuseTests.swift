import Foundation
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import OffHeapImages

/// A decoding pass's state is parked in its image and reused by the next read; a container or
/// decoder that escapes `init(from:)` keeps its own state (and the bytes) instead. Field names
/// match through a small cache of names already matched, and large keyed containers keep their
/// dictionaries in the state. These tests check that none of it changes what is read.
@Suite("Off-heap image pass reuse")
struct ImagePassReuseTests {
    /// Keeps the keyed container it was decoded with, and reads it again later.
    final class Keeper: Decodable, @unchecked Sendable {
        enum CodingKeys: String, CodingKey { case name, age }
        let container: KeyedDecodingContainer<CodingKeys>
        let decoder: any Decoder

        init(from decoder: any Decoder) throws {
            container = try decoder.container(keyedBy: CodingKeys.self)
            self.decoder = decoder
        }

        func name() throws -> String { try container.decode(String.self, forKey: .name) }
        func age() throws -> Int { try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .age) }
    }

    @Test("Reads after reads reuse one state and agree with the source")
    func reuse() throws {
        let people = ImageKeyCacheTests.people(200)
        let image = try OffHeap.copy(people)
        let elements = try image.elements
        for round in 0..<3 {
            for index in people.indices.reversed() {
                #expect(try elements[index] == people[index], "round \(round), element \(index)")
            }
            #expect(try image.get() == people)
            #expect(try image.root.element(7).decode(Person.self) == people[7])
        }
        // A read that throws leaves a state that the next read can use.
        #expect(throws: DecodingError.self) { try image.root.element(3).decode(Town.self) }
        #expect(try elements[3] == people[3])
    }

    @Test("A container that escapes init(from:) reads its own element later, after other reads and after free()")
    func escapedContainer() throws {
        let people = ImageKeyCacheTests.people(50)
        let image = try OffHeap.copy(people)
        let keeper = try image.root.element(5).decode(Keeper.self)
        let elements = try image.root.elements(of: Person.self)
        for index in people.indices { #expect(try elements[index] == people[index]) }
        let second = try image.root.element(6).decode(Keeper.self)
        #expect(try keeper.name() == people[5].name)
        #expect(try keeper.age() == people[5].age)
        #expect(try second.name() == people[6].name)
        image.free()
        // The escaped state holds the bytes: reading through it after free() is still valid.
        #expect(try keeper.name() == people[5].name)
        #expect(try second.age() == people[6].age)
    }

    @Test("Threads reading one image at once all get correct values")
    func concurrentReads() async throws {
        let people = ImageKeyCacheTests.people(300)
        let image = try OffHeap.copy(people)
        let elements = try image.elements
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for step in 0..<2_000 {
                        let index = (task * 7_919 + step * 104_729) % people.count
                        if (try? elements[index]) != people[index] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    /// A key whose `stringValue` is a new string on every call, sometimes a long one (a string
    /// with its own storage, whose address a later string may reuse).
    struct MadeKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static func named(_ text: String) -> MadeKey {
            MadeKey(stringValue: String(text.utf8.map { Character(UnicodeScalar($0)) }))
        }
    }

    /// Fields named with strings made at run time: long names that differ only at the end.
    struct Wide: Codable, Equatable {
        static let names = (0..<6).map { "a field name longer than fifteen bytes, number \($0)" }
        var values: [Int]

        init(values: [Int]) { self.values = values }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: MadeKey.self)
            values = try Self.names.map { try container.decode(Int.self, forKey: .named($0)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: MadeKey.self)
            for (name, value) in zip(Self.names, values) { try container.encode(value, forKey: .named(name)) }
        }
    }

    @Test("Names made anew for every read match the right fields")
    func madeNames() throws {
        let rows = (0..<100).map { row in Wide(values: (0..<6).map { row * 10 + $0 }) }
        let image = try OffHeap.copy(rows)
        let elements = try image.elements
        for round in 0..<2 {
            for index in rows.indices.reversed() { #expect(try elements[index] == rows[index], "round \(round)") }
        }
        // Reading the fields in another order, and a missing one, still finds the right ones.
        let reversed = try image.root.element(42).decode(Reversed.self)
        #expect(reversed.values == Array(rows[42].values.reversed()))
        #expect(reversed.missing == nil)
    }

    struct Reversed: Decodable {
        var values: [Int]
        var missing: Int?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: MadeKey.self)
            values = try Wide.names.reversed().map { try container.decode(Int.self, forKey: .named($0)) }
            missing = try container.decodeIfPresent(Int.self, forKey: .named("not a field"))
        }
    }

    @Test("More large dictionaries at once than the state keeps still read correctly")
    func manyLargeContainers() throws {
        // Each dictionary has more than 16 keys, so it is read through a dictionary of its
        // fields. While the outer one is open, its values open 420 more, past the state's limit,
        // so the outer one's dictionary is dropped and built again on its next read.
        #expect(ImageReaderState.fieldIndexLimit < 420)
        func level<Value>(_ value: (Int) -> Value) -> [String: Value] {
            Dictionary(uniqueKeysWithValues: (0..<20).map { ("key \($0)", value($0)) })
        }
        let nested = level { outer in level { middle in level { inner in outer * 10_000 + middle * 100 + inner } } }
        let image = try OffHeap.copy(nested)
        #expect(try image.get() == nested)
        #expect(try image.root.field("key 7")?.decode([String: [String: Int]].self) == nested["key 7"])
    }
}
