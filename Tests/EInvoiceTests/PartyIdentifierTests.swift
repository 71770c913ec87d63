import EInvoice
import Testing

struct PartyIdentifierTests {
    @Test func kvkAndOIN() throws {
        #expect(try PartyIdentifier(parsing: "0106:12345678") == .kvk("12345678"))
        #expect(try PartyIdentifier(parsing: "NL:KVK:12345678") == .kvk("12345678"))
        #expect(try PartyIdentifier(parsing: "iso6523-actorid-upis::0106:12345678") == .kvk("12345678"))
        #expect(try PartyIdentifier(parsing: "NL:OINO:00000001003214321000") == .oin("00000001003214321000"))
        #expect(PartyIdentifier.oin("00000001003214321000").registryID == "NL:OINO:00000001003214321000")
        #expect(PartyIdentifier.dummyKvK.value == "99999998")
        #expect(PartyIdentifier.dummyKvK.isDummy)
    }

    @Test(arguments: ["0106:1234567", "0106:123456789", "0106:1234567a", "0190:1003214321000", "NL:OINO:NL:OINO:1"])
    func refusesWrongLengths(_ text: String) {
        let error = #expect(throws: IdentifierError.self) { try PartyIdentifier(parsing: text) }
        #expect(error?.code == .invalidFormat)
    }

    @Test func dutchVATByElevenTestAndByMod97() throws {
        // 123456782: 1·9+2·8+3·7+4·6+5·5+6·4+7·3+8·2−2 = 154 = 14·11.
        #expect(try PartyIdentifier(parsing: "9944:NL123456782B01") == .dutchVAT("NL123456782B01"))
        // The mod-97 form issued since 2020 (example of the Belastingdienst): NL000099998B57.
        #expect(try PartyIdentifier(parsing: "NL:VAT:NL000099998B57") == .dutchVAT("NL000099998B57"))
        let wrong = #expect(throws: IdentifierError.self) { try PartyIdentifier(parsing: "9944:NL123456789B01") }
        #expect(wrong?.code == .invalidCheckDigit)
        let shape = #expect(throws: IdentifierError.self) { try PartyIdentifier(parsing: "9944:NL12345678B01") }
        #expect(shape?.code == .invalidFormat)
    }

    @Test func belgianEnterpriseAndVAT() throws {
        #expect(try PartyIdentifier(parsing: "0208:0899965307") == .belgianEnterprise("0899965307"))
        #expect(try PartyIdentifier(parsing: "0208:0899.965.307") == .belgianEnterprise("0899965307"))
        #expect(try PartyIdentifier(parsing: "9925:BE0899965307") == .belgianVAT("BE0899965307"))
        let error = #expect(throws: IdentifierError.self) { try PartyIdentifier(parsing: "0208:0899965308") }
        #expect(error?.code == .invalidCheckDigit)
    }

    @Test func gln() throws {
        #expect(try PartyIdentifier(parsing: "0088:5790000435968") == .gln("5790000435968"))
        let error = #expect(throws: IdentifierError.self) { try PartyIdentifier(parsing: "0088:5790000435969") }
        #expect(error?.code == .invalidCheckDigit)
    }

    @Test func unknownScheme() {
        let error = #expect(throws: IdentifierError.self) { try PartyIdentifier(parsing: "9954:12345678") }
        #expect(error?.code == .unknownScheme)
        let noScheme = #expect(throws: IdentifierError.self) { try PartyIdentifier(parsing: "12345678") }
        #expect(noScheme?.code == .invalidFormat)
    }

    @Test func iban() throws {
        #expect(try IBAN("NL91 ABNA 0417 1643 00").value == "NL91ABNA0417164300")
        #expect(try IBAN("BE68539007547034").countryCode == "BE")
        let checksum = #expect(throws: IdentifierError.self) { try IBAN("NL92ABNA0417164300") }
        #expect(checksum?.code == .invalidCheckDigit)
        let length = #expect(throws: IdentifierError.self) { try IBAN("NL91ABNA041716430") }
        #expect(length?.code == .invalidFormat)
    }
}
