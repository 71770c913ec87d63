import Foundation
import HardenedXML

/// Builds XML text: escaped character data and attribute values, nothing else to remember.
struct XMLText {
    private(set) var text = ""

    init(reservingCapacity capacity: Int = 1024) { text.reserveCapacity(capacity) }

    mutating func raw(_ string: String) { text += string }

    mutating func open(_ name: String, _ attributes: String = "") {
        text += "<" + name + attributes + ">"
    }

    mutating func close(_ name: String) { text += "</" + name + ">" }

    /// `<name>text</name>`, or nothing when `value` is nil.
    mutating func leaf(_ name: String, _ value: String?) {
        guard let value else { return }
        open(name)
        escape(value, quotes: false)
        close(name)
    }

    mutating func escape(_ value: String, quotes: Bool) {
        text += XMLElement.escaped(value, quotes: quotes)
    }
}
