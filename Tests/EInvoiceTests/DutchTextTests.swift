import EInvoice
import Testing

@Suite("Invoice values as Dutch readers expect them")
struct DutchTextTests {
    @Test func amounts() throws {
        func amount(_ text: String, _ currency: String = "EUR") throws -> String {
            DutchText.amount(try #require(DecimalNumber(parsing: text)), currency: currency)
        }
        #expect(try amount("1210") == "€ 1.210,00")
        #expect(try amount("1234567.891") == "€ 1.234.567,89")
        #expect(try amount("0.5") == "€ 0,50")
        #expect(try amount("-5.5") == "€ -5,50")
        #expect(try amount("999.995") == "€ 1.000,00")
        #expect(try amount("12", "USD") == "USD 12,00")
        #expect(DutchText.number(try #require(DecimalNumber(parsing: "1000.5"))) == "1.000,5")
    }

    @Test func datesAndWords() throws {
        #expect(DutchText.date(try #require(LocalDate("2026-12-03"))) == "3 december 2026")
        #expect(DutchText.date(try #require(LocalDate("2027-01-31"))) == "31 januari 2027")
        #expect(DutchText.vatCategory(TaxCategory(id: "E", percent: .zero)) == "Vrijgesteld van btw")
        #expect(DutchText.vatCategory(TaxCategory(id: "AE", percent: .zero)) == "Btw verlegd")
        #expect(DutchText.vatCategory(TaxCategory(id: "S", percent: DecimalNumber(parsing: "21"))) == "Btw 21%")
        #expect(DutchText.unit("HUR") == "uur")
        #expect(DutchText.unit("XYZ") == "XYZ")
    }
}
