import EInvoice

/// How the official XSLT 2.0 artifacts turn text into numbers, reproduced so verdicts agree.
extension Node {
    /// `xs:decimal(.)`: nil where the cast would raise an error (the official XSLT then stops).
    var decimal: DecimalNumber? { DecimalNumber(parsing: stringValue) }

    /// An untyped value compared with a number is cast to `xs:double` (exponents, INF, NaN).
    var double: Double? { XPathNumber.double(stringValue) }

    /// `xs:decimal(path)` of the first node selected.
    func decimal(_ path: StaticString) -> DecimalNumber? { first(path)?.decimal }

    /// `sum(path/xs:decimal(.))`; nil when any value is not a decimal.
    func sum(_ path: StaticString, where condition: (Node) -> Bool = { _ in true }) -> DecimalNumber? {
        var total = DecimalNumber.zero
        var valid = true
        select(path) { node in
            guard condition(node) else { return true }
            guard let value = node.decimal else { valid = false; return false }
            total += value
            return true
        }
        return valid ? total : nil
    }

    /// `string-length(substring-after(path, '.')) <= 2` on the first node selected (true when
    /// there is none, as XPath gives "" then).
    func atMostTwoDecimals(_ path: StaticString) -> Bool {
        guard let node = first(path) else { return true }
        return XPathNumber.fractionDigits(node.stringValue) <= 2
    }

    /// The node's own text has at most two characters after the first '.'.
    var hasAtMostTwoDecimals: Bool { XPathNumber.fractionDigits(stringValue) <= 2 }

    /// `cac:TaxScheme/normalize-space(upper-case(cbc:ID)) = 'VAT'` on a tax category.
    var hasVATScheme: Bool {
        remember(.hasVATScheme) { $0.exists("cac:TaxScheme/cbc:ID") { $0.stringValue.uppercased().normalizedSpace == "VAT" } }
    }

    /// `normalize-space(cbc:ID)` of a tax category.
    var categoryID: String {
        if let known = tree.categoryIDs[Int(id)] { return known }
        let categoryID = string("cbc:ID").normalizedSpace
        tree.categoryIDs[Int(id)] = categoryID
        return categoryID
    }
}

enum XPathNumber {
    static func double(_ text: String) -> Double? {
        let trimmed = text.normalizedSpace
        switch trimmed {
        case "INF": return .infinity
        case "-INF": return -.infinity
        case "NaN": return .nan
        default: break
        }
        guard !trimmed.isEmpty,
            trimmed.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x45 || $0 == 0x65 })
        else { return nil }
        return Double(trimmed)
    }

    /// `string(number(text)) != 'NaN'`.
    static func isNumber(_ text: String) -> Bool { double(text).map { !$0.isNaN } ?? false }

    /// `string-length(substring-after(text, '.'))`.
    static func fractionDigits(_ text: String) -> Int {
        // Searched and counted as bytes: every amount of a document is checked this way.
        let bytes = text.utf8
        guard let point = bytes.firstIndex(of: UInt8(ascii: ".")) else { return 0 }
        return bytes[bytes.index(after: point)...].codePointCount
    }

    /// XPath `round()` of a decimal to two places: `round(x * 100) div 100`.
    static func round2(_ value: DecimalNumber) -> DecimalNumber { value.rounded(scale: 2) }
}

extension String {
    /// ` AAA BBB ` membership, as the code-list rules test it: no inner space, then exact match
    /// of the normalized value.
    func isCode(in list: Set<String>) -> Bool {
        let value = normalizedSpace
        return !value.utf8.contains(0x20) && list.contains(value)
    }
}

extension String {
    /// XPath `string-length()`: characters counted as code points (a Swift `count` joins a CR LF
    /// or a combining mark into one).
    var xpathLength: Int { utf8.codePointCount }
}

extension Collection<UInt8> {
    /// The code points of valid UTF-8: every byte that does not continue a sequence.
    var codePointCount: Int { reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
}
