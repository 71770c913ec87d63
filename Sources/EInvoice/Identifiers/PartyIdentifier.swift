/// A registry identifier of an organisation, checked for its format and check digits.
///
/// Parse one from its own form (`PartyIdentifier.kvk("12345678")`), from a Peppol participant id
/// (`0106:12345678`, `iso6523-actorid-upis::0190:…`) or from an eConnect registry id
/// (`NL:KVK:12345678`, `NL:OINO:…`, `NL:VAT:…`) with ``init(parsing:)``.
public enum PartyIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// Dutch Chamber of Commerce number: 8 digits. ISO 6523 `0106`.
    case kvk(String)
    /// Dutch government organisation identification number: 20 digits. ISO 6523 `0190`.
    case oin(String)
    /// Dutch VAT number `NL999999999B99`, valid by the eleven-test or by mod 97. EAS `9944`.
    case dutchVAT(String)
    /// Belgian enterprise number (KBO/BCE): 10 digits, mod 97. ISO 6523 `0208`.
    case belgianEnterprise(String)
    /// Belgian VAT number `BE` + enterprise number. EAS `9925`.
    case belgianVAT(String)
    /// GS1 Global Location Number: 13 digits, mod 10. ISO 6523 `0088`.
    case gln(String)

    /// The KvK number efactuur and the platform use for a debtor without one.
    public static let dummyKvK = PartyIdentifier.kvk("99999998")

    /// Checks `value` against the rules of `scheme` (`0106`, `0190`, `9944`, `0208`, `9925`, `0088`).
    public init(scheme: String, value: String) throws(IdentifierError) {
        let value = value.trimmingXMLWhitespace
        switch scheme {
        case "0106":
            guard value.count == 8, value.allSatisfy(\.isASCIIDigit) else {
                throw IdentifierError(.invalidFormat, "a KvK number has 8 digits, '\(value)' does not")
            }
            self = .kvk(value)
        case "0190":
            guard value.count == 20, value.allSatisfy(\.isASCIIDigit) else {
                throw IdentifierError(
                    .invalidFormat, "an OIN has 20 digits including leading zeros, '\(value)' has \(value.count) characters")
            }
            self = .oin(value)
        case "9944":
            self = .dutchVAT(try PartyIdentifier.checkDutchVAT(value))
        case "0208":
            let digits = value.filter { $0 != "." && $0 != " " }
            try PartyIdentifier.checkBelgianEnterprise(digits, shown: value)
            self = .belgianEnterprise(digits)
        case "9925":
            let upper = value.uppercased().filter { $0 != "." && $0 != " " }
            guard upper.hasPrefix("BE") else {
                throw IdentifierError(.invalidFormat, "a Belgian VAT number starts with BE, '\(value)' does not")
            }
            try PartyIdentifier.checkBelgianEnterprise(String(upper.dropFirst(2)), shown: value)
            self = .belgianVAT(upper)
        case "0088":
            guard value.count == 13, value.allSatisfy(\.isASCIIDigit) else {
                throw IdentifierError(.invalidFormat, "a GLN has 13 digits, '\(value)' does not")
            }
            guard CheckDigits.gs1Mod10(value) else {
                throw IdentifierError(.invalidCheckDigit, "the GLN '\(value)' has a wrong check digit")
            }
            self = .gln(value)
        default:
            throw IdentifierError(.unknownScheme, "scheme '\(scheme)' is not one of 0106, 0190, 9944, 0208, 9925, 0088")
        }
    }

    /// Parses a Peppol participant id (`0106:12345678`, with or without the
    /// `iso6523-actorid-upis::` prefix) or an eConnect registry id (`NL:KVK:12345678`,
    /// `NL:OINO:…`, `NL:VAT:…`, `BE:KBO:…`, `BE:VAT:…`, `GLN:…`).
    public init(parsing text: String) throws(IdentifierError) {
        var text = text.trimmingXMLWhitespace
        if text.lowercased().hasPrefix(PartyIdentifier.peppolSchemePrefix) {
            text = String(text.dropFirst(PartyIdentifier.peppolSchemePrefix.count))
        }
        for (alias, scheme) in PartyIdentifier.registryAliases where text.uppercased().hasPrefix(alias + ":") {
            try self.init(scheme: scheme, value: String(text.dropFirst(alias.count + 1)))
            return
        }
        guard let colon = text.firstIndex(of: ":") else {
            throw IdentifierError(
                .invalidFormat, "'\(text)' is not of the form SCHEME:VALUE (e.g. 0106:12345678 or NL:KVK:12345678)")
        }
        try self.init(scheme: String(text[..<colon]), value: String(text[text.index(after: colon)...]))
    }

    /// The ISO 6523 / EAS code: `0106`, `0190`, `9944`, `0208`, `9925`, `0088`.
    public var scheme: String {
        switch self {
        case .kvk: "0106"
        case .oin: "0190"
        case .dutchVAT: "9944"
        case .belgianEnterprise: "0208"
        case .belgianVAT: "9925"
        case .gln: "0088"
        }
    }

    public var value: String {
        switch self {
        case .kvk(let value), .oin(let value), .dutchVAT(let value), .belgianEnterprise(let value),
            .belgianVAT(let value), .gln(let value):
            value
        }
    }

    /// `0106:12345678`.
    public var participantID: String { "\(scheme):\(value)" }

    /// The eConnect registry form, where the platform has one (`NL:KVK:12345678`).
    public var registryID: String? {
        PartyIdentifier.registryAliases.first { $0.scheme == scheme }.map { "\($0.alias):\(value)" }
    }

    /// The identifier as a UBL `EndpointID` / `CompanyID` value with its `schemeID`.
    public var ublIdentifier: Identifier { Identifier(value, schemeID: scheme) }

    public var isDummy: Bool { self == PartyIdentifier.dummyKvK }

    public var description: String { participantID }

    static let peppolSchemePrefix = "iso6523-actorid-upis::"
    static let registryAliases: [(alias: String, scheme: String)] = [
        ("NL:KVK", "0106"), ("NL:OINO", "0190"), ("NL:VAT", "9944"), ("BE:KBO", "0208"), ("BE:VAT", "9925"),
        ("GLN", "0088"),
    ]

    /// `NL` + 9 digits + `B` + 2 digits; the 9 digits pass the eleven-test (the older form) or the
    /// whole number passes ISO 7064 mod 97 (the form issued to sole traders since 2020).
    static func checkDutchVAT(_ value: String) throws(IdentifierError) -> String {
        let upper = value.uppercased().filter { $0 != " " && $0 != "." }
        let characters = Array(upper)
        guard characters.count == 14, upper.hasPrefix("NL"), characters[11] == "B",
            characters[2..<11].allSatisfy(\.isASCIIDigit), characters[12...].allSatisfy(\.isASCIIDigit)
        else {
            throw IdentifierError(.invalidFormat, "a Dutch VAT number looks like NL123456789B01, '\(value)' does not")
        }
        guard CheckDigits.elevenTest(String(characters[2..<11])) || CheckDigits.mod97(upper) == 1 else {
            throw IdentifierError(
                .invalidCheckDigit, "the Dutch VAT number '\(value)' passes neither the eleven-test nor mod 97")
        }
        return upper
    }

    static func checkBelgianEnterprise(_ digits: String, shown: String) throws(IdentifierError) {
        guard digits.count == 10, digits.allSatisfy(\.isASCIIDigit), digits.first == "0" || digits.first == "1" else {
            throw IdentifierError(
                .invalidFormat, "a Belgian enterprise number has 10 digits starting with 0 or 1, '\(shown)' does not")
        }
        let base = Int(digits.prefix(8))!
        let check = Int(digits.suffix(2))!
        guard 97 - base % 97 == check else {
            throw IdentifierError(.invalidCheckDigit, "the Belgian enterprise number '\(shown)' fails the mod 97 check")
        }
    }
}

/// Why an identifier was refused.
public struct IdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidFormat = Code(rawValue: "identifier.invalid-format")
        public static let invalidCheckDigit = Code(rawValue: "identifier.invalid-check-digit")
        public static let unknownScheme = Code(rawValue: "identifier.unknown-scheme")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}

/// An International Bank Account Number, checked with ISO 13616 mod 97 and the country's length.
public struct IBAN: Sendable, Hashable, CustomStringConvertible {
    /// Upper case, without spaces: `NL91ABNA0417164300`.
    public let value: String

    public init(_ text: String) throws(IdentifierError) {
        let compact = text.uppercased().filter { !$0.isWhitespace }
        let characters = Array(compact)
        guard characters.count >= 15, characters.count <= 34, characters[0].isASCIILetter, characters[1].isASCIILetter,
            characters[2].isASCIIDigit, characters[3].isASCIIDigit,
            characters.allSatisfy({ $0.isASCIIDigit || $0.isASCIILetter })
        else {
            throw IdentifierError(.invalidFormat, "'\(text)' is not an IBAN (e.g. NL91ABNA0417164300)")
        }
        let country = String(characters[0..<2])
        if let length = IBAN.lengths[country], length != characters.count {
            throw IdentifierError(
                .invalidFormat, "an IBAN from \(country) has \(length) characters, '\(text)' has \(characters.count)")
        }
        let rearranged = String(characters[4...]) + String(characters[0..<4])
        guard CheckDigits.mod97(rearranged) == 1 else {
            throw IdentifierError(.invalidCheckDigit, "the IBAN '\(text)' has wrong check digits")
        }
        self.value = compact
    }

    public var countryCode: String { String(value.prefix(2)) }
    public var description: String { value }

    static let lengths: [String: Int] = [
        "NL": 18, "BE": 16, "DE": 22, "FR": 27, "LU": 20, "GB": 22, "ES": 24, "IT": 27, "AT": 20, "DK": 18,
        "SE": 24, "NO": 15, "FI": 18, "IE": 22, "PT": 25, "PL": 28, "CH": 21,
    ]
}

/// The check-digit algorithms of the identifiers above.
enum CheckDigits {
    /// ISO 7064 mod 97-10 over digits and letters (A = 10 … Z = 35), computed piecewise so any
    /// length fits.
    static func mod97(_ text: String) -> Int {
        var remainder = 0
        for character in text {
            guard
                let value = character.isASCIIDigit
                    ? character.wholeNumberValue
                    : character.isASCIILetter ? Int(character.asciiValue! - UInt8(ascii: "A")) + 10 : nil
            else { return -1 }
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
        }
        return remainder
    }

    /// The Dutch eleven-test on 9 digits: Σ digit × (9 … 2), the last digit × −1, divisible by 11.
    static func elevenTest(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard values.count == 9 else { return false }
        var sum = 0
        for (index, value) in values.enumerated() {
            sum += index == 8 ? -value : value * (9 - index)
        }
        return sum % 11 == 0
    }

    /// GS1 mod 10: weights 3 and 1 from the right, excluding the check digit.
    static func gs1Mod10(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard let check = values.last else { return false }
        var sum = 0
        for (offset, value) in values.dropLast().reversed().enumerated() {
            sum += value * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10 == check
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}

extension StringProtocol {
    /// Without leading and trailing space, tab, CR and LF (what XML Schema collapses).
    var trimmingXMLWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
