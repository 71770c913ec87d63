import EInvoice
import Testing

@Suite("Invoice values as Dutch and English readers expect them")
struct InvoiceWordsTests {
    @Test func amounts() throws {
        func amount(_ text: String, _ currency: String = "EUR") throws -> String {
            InvoiceWords.dutch.amount(try #require(DecimalNumber(parsing: text)), currency: currency)
        }
        func english(_ text: String, _ currency: String = "EUR") throws -> String {
            InvoiceWords.english.amount(try #require(DecimalNumber(parsing: text)), currency: currency)
        }
        #expect(try amount("1210") == "€ 1.210,00")
        #expect(try amount("1234567.891") == "€ 1.234.567,89")
        #expect(try amount("0.5") == "€ 0,50")
        #expect(try amount("-5.5") == "€ -5,50")
        #expect(try amount("999.995") == "€ 1.000,00")
        #expect(try amount("12", "USD") == "USD 12,00")
        #expect(InvoiceWords.dutch.number(try #require(DecimalNumber(parsing: "1000.5"))) == "1.000,5")
        #expect(try english("1210") == "€1,210.00")
        #expect(try english("-5.5") == "-€5.50")
        #expect(try english("1234567.891", "USD") == "USD 1,234,567.89")
        #expect(InvoiceWords.english.number(try #require(DecimalNumber(parsing: "1000.5"))) == "1,000.5")
    }

    @Test func datesAndWords() throws {
        #expect(InvoiceWords.dutch.date(try #require(LocalDate("2026-12-03"))) == "3 december 2026")
        #expect(InvoiceWords.dutch.date(try #require(LocalDate("2027-01-31"))) == "31 januari 2027")
        #expect(InvoiceWords.dutch.vatCategory(TaxCategory(id: "E", percent: .zero)) == "Vrijgesteld van btw")
        #expect(InvoiceWords.dutch.vatCategory(TaxCategory(id: "AE", percent: .zero)) == "Btw verlegd")
        #expect(InvoiceWords.dutch.vatCategory(TaxCategory(id: "S", percent: DecimalNumber(parsing: "21"))) == "Btw 21%")
        #expect(InvoiceWords.dutch.unit("HUR") == "uur")
        #expect(InvoiceWords.dutch.unit("XYZ") == "XYZ")
        #expect(InvoiceWords.english.date(try #require(LocalDate("2026-12-03"))) == "3 December 2026")
        #expect(InvoiceWords.english.vatCategory(TaxCategory(id: "AE", percent: .zero)) == "VAT reverse charge")
        #expect(InvoiceWords.english.unit("HUR") == "hour")
    }
}
