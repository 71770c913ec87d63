import EInvoice
import Testing

struct DecimalNumberTests {
    @Test(arguments: [
        ("12.50", "12.50"), ("-0.005", "-0.005"), ("+3", "3"), ("  7.1\n", "7.1"), ("0", "0"), (".5", "0.5"),
        ("5.", "5"), ("000123.4500", "123.4500"), ("-0", "0"),
    ])
    func parsesAndKeepsItsScale(_ text: String, _ written: String) throws {
        let number = try #require(DecimalNumber(parsing: text))
        #expect(number.description == written)
    }

    @Test(arguments: ["", "-", ".", "1,5", "1.5E2", "1e3", "12a", "1.2.3", "--1", "NaN", "1 000",
                      "12345678901234567890", "0.0000000000000000001"])
    func refusesWhatIsNotAnXSDecimal(_ text: String) {
        #expect(DecimalNumber(parsing: text) == nil)
    }

    @Test func equalityIsNumeric() {
        #expect(DecimalNumber(parsing: "100.00") == DecimalNumber(parsing: "100"))
        #expect(DecimalNumber(parsing: "100.00")!.hashValue == DecimalNumber(parsing: "100")!.hashValue)
        #expect(DecimalNumber("-0.10") < DecimalNumber("-0.099"))
    }

    /// XPath round(): halves go toward positive infinity, also for negative numbers.
    @Test(arguments: [
        ("2.345", "2.35"), ("-2.345", "-2.34"), ("2.344", "2.34"), ("-2.346", "-2.35"), ("0.005", "0.01"),
        ("-0.005", "0.00"), ("-0.015", "-0.01"), ("1.999", "2.00"), ("12", "12.00"), ("-12.5", "-12.50"),
        ("234.5", "234.50"), ("0.125", "0.13"), ("-0.125", "-0.12"),
    ])
    func roundsHalfTowardPositiveInfinity(_ value: String, _ expected: String) {
        let rounded = DecimalNumber(parsing: value)!.rounded(scale: 2)
        #expect(rounded.description == expected)
    }

    @Test func roundsToWholeNumbersLikeXPath() {
        #expect(DecimalNumber("234.5").rounded(scale: 0).description == "235")
        #expect(DecimalNumber("-234.5").rounded(scale: 0).description == "-234")
    }

    @Test func arithmeticIsExact() {
        #expect(DecimalNumber("0.1") + DecimalNumber("0.2") == DecimalNumber("0.3"))
        #expect((DecimalNumber("19.99") * DecimalNumber("3")).description == "59.97")
        #expect((DecimalNumber("1.005") * DecimalNumber("-4")).description == "-4.020")
        #expect((DecimalNumber("10") - DecimalNumber("10.01")).description == "-0.01")
    }

    @Test func divisionRoundsOnce() {
        #expect(DecimalNumber(10).divided(by: 3, scale: 2)?.description == "3.33")
        #expect(DecimalNumber(-10).divided(by: 3, scale: 2)?.description == "-3.33")
        #expect(DecimalNumber("0.05").divided(by: 2, scale: 2)?.description == "0.03")  // 0.025 → 0.03
        #expect(DecimalNumber("-0.05").divided(by: 2, scale: 2)?.description == "-0.02")  // -0.025 → -0.02
        #expect(DecimalNumber("-0.05").divided(by: -2, scale: 2)?.description == "0.03")
        #expect(DecimalNumber(1).divided(by: 0, scale: 2) == nil)
    }

    @Test func largestParsedNumbersMultiplyWithoutOverflow() {
        let big = DecimalNumber(parsing: "9999999999999999999")!
        let small = DecimalNumber(parsing: "0.999999999999999999")!
        #expect((big * big).description == "99999999999999999980000000000000000001")
        #expect((small * small).fractionDigits == 36)
    }
}

struct LocalDateTests {
    @Test(arguments: ["2024-02-29", "2000-02-29", "2026-12-31", "2026-01-01Z", "2026-03-01+01:00", "2026-03-01-05:30"])
    func acceptsRealDays(_ text: String) throws {
        let date = try #require(LocalDate(text))
        #expect(date.description == text)
    }

    @Test(arguments: ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "26-01-01", "2026/01/01",
                      "2026-01-01T10:00:00", "2026-01-01+15:00", "2026-01-01+01:60", "20260101"])
    func refusesDaysThatDoNotExist(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func ordersByDayIgnoringZone() {
        #expect(LocalDate("2026-01-01+01:00")! < LocalDate("2026-01-02Z")!)
    }
}
