import Foundation
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import OffHeapImages

/// Cursors and element views read parts of an image in place.
@Suite("Off-heap image cursors")
struct ImageReaderTests {
    @Test("Fields by name, elements by index, kinds and counts")
    func navigate() throws {
        let image = try OffHeap.copy(Town.sample)
        let root = image.root
        #expect(try root.kind == .keyed)
        #expect(try root.fieldNames.contains("people"))
        #expect(try root.field("nothing") == nil)
        let people = try #require(try root.field("people"))
        #expect(try people.kind == .array)
        #expect(try people.count == 2)
        #expect(try people.element(1).field("age")?.decode(Int.self) == -4)
        #expect(try people.element(0).decode(Person.self) == Town.sample.people[0])
        #expect(try root.field("ages")?.kind == .scalarArray)
        #expect(try root.field("small")?.kind == .signedInteger)
        #expect(try root.field("unsigned")?.kind == .unsignedInteger)
        #expect(try root.field("ratio")?.kind == .float)
        #expect(try root.field("deputy") == nil)  // encodeIfPresent leaves nil out
    }

    @Test("A string field reads as a UTF-8 span without copying")
    func utf8InPlace() throws {
        let image = try OffHeap.copy(Town.sample)
        let name = try #require(try image.root.field("name"))
        let span = try name.utf8()
        #expect(span.count == Town.sample.name.utf8.count)
        var bytes: [UInt8] = []
        for index in span.indices { bytes.append(span[index]) }
        #expect(String(decoding: bytes, as: UTF8.self) == Town.sample.name)
        // In place: the span's memory lies inside the image.
        let inside = image.withUnsafeBytes { image in
            span.withUnsafeBufferPointer { text in
                let start = UnsafeRawPointer(text.baseAddress!)
                return start >= image.baseAddress! && start + text.count <= image.baseAddress! + image.count
            }
        }
        #expect(inside)
    }

    @Test("Arrays of numbers read as typed spans in place; the wrong type is an error")
    func scalarSpans() throws {
        let image = try OffHeap.copy(Town.sample)
        let agesField = try image.root.field("ages")!
        let ages = try agesField.scalars(of: Int.self)
        #expect(ages.count == 5)
        #expect(ages[3] == Int.max && ages[4] == Int.min)
        let weightsField = try image.root.field("weights")!
        let weights = try weightsField.scalars(of: Double.self)
        #expect(weights[1] == -0.25)
        let bytesField = try image.root.field("bytes")!
        let bytes = try bytesField.scalars(of: UInt8.self)
        #expect(bytes[2] == 255)
        let empty = try image.root.field("empty")!
        let none = try empty.scalars(of: Int.self).count
        #expect(none == 0)
        let agesCursor = try image.root.field("ages")!
        #expect(throws: ImageError.self) { _ = try agesCursor.scalars(of: Double.self).count }
        let peopleCursor = try image.root.field("people")!
        #expect(throws: ImageError.self) { _ = try peopleCursor.scalars(of: Int.self).count }

        let numbers = try OffHeap.copy((0..<10_000).map { Int32($0) })
        let numbersRoot = numbers.root
        let span = try numbersRoot.scalars(of: Int32.self)
        var sum = 0
        for index in span.indices { sum += Int(span[index]) }
        #expect(sum == (0..<10_000).reduce(0, +))
    }

    @Test("Element views decode one element at a time, for records and for numbers")
    func elements() throws {
        let people = makePeople(1_000)
        let image = try OffHeap.copy(people)
        let elements = try image.elements
        #expect(elements.count == 1_000 && elements.indices == 0..<1_000)
        #expect(try elements[777] == people[777])
        #expect(try elements.cursor(at: 5).field("name")?.decode(String.self) == "Person 5")
        let numbers = try OffHeap.copy([5, 6, 7]).elements
        #expect(try numbers[2] == 7)
    }

    @Test("An element index out of range is a precondition failure")
    func elementOutOfRange() async {
        await #expect(processExitsWith: .failure) {
            _ = try OffHeap.copy([1, 2]).elements[2]
        }
    }

    @Test("Decoding a field as the wrong type is a DecodingError naming both types")
    func wrongFieldType() throws {
        let image = try OffHeap.copy(Town.sample)
        do {
            _ = try image.root.field("name")!.decode(Int.self)
            Issue.record("expected a type mismatch")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.debugDescription.contains("expected Int, found String"))
        }
    }
}
