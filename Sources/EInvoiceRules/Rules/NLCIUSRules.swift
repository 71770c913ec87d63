// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
import EInvoice

/// SI-UBL 2.0 (NLCIUS) rules of validation set 2.0.3.12: the specification-identifier checks and
/// the BR-NL-* rules, almost all of which apply only to a supplier in the Netherlands.
enum NLCIUSRules {
    /// Pattern `SI-UBL-VERSION`.
    static let versionPattern: Pattern = {
        var p = PatternBuilder("SI-UBL-VERSION")
        p.rule("/*", [
            fatal("SI-INV-R000", "The document must be a UBL 2.1 Invoice or CreditNote.") {
                $0.isNamed(.ubl, "Invoice") || $0.isNamed(.cn, "CreditNote")
            },
            fatal("BII2-T10-R001", "An invoice MUST have a customization identifier.") { $0.exists("cbc:CustomizationID") },
            fatal("SI-V20-INV-R000", "The customization identifier (cbc:CustomizationID) must be \(Specification.siUBL20).") { document in
                !document.exists("cbc:CustomizationID")
                    || document.string("cbc:CustomizationID").normalizedSpace.hasPrefix(Specification.siUBL20)
            },
        ])
        return p.pattern
    }()

    /// Pattern `nlcius`: `$s` is a Dutch supplier on an SI-UBL 2.0 document, `$si` any supplier.
    static let pattern: Pattern = {
        var p = PatternBuilder("nlcius")
        let s: @Sendable (Node) -> Bool = { isDutchSupplier($0) }
        let si: @Sendable (Node) -> Bool = { isSIUBL($0) }
        p.rule("cac:AccountingSupplierParty/cac:Party", where: s, [
            fatal("BR-NL-1", "For suppliers in the Netherlands the supplier MUST provide either a KVK or OIN number for its legal entity identifier (cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID with schemeID 0106 or 0190).") { party in
                // contains(concat(' ', string-join(@schemeID, ' '), ' '), ' 0106 '): one of the
                // space-separated tokens is exactly the code.
                let schemes = party.all("cac:PartyLegalEntity/cbc:CompanyID").compactMap { $0.attribute("schemeID") }
                let tokens = Set(schemes.flatMap { $0.split(separator: " ").map(String.init) })
                return (tokens.contains("0106") || tokens.contains("0190"))
                    && party.exists("cac:PartyLegalEntity/cbc:CompanyID") { !$0.normalized.isEmpty }
            },
        ])
        p.rule("/*", where: s, [
            fatal("BR-NL-2", "For suppliers in the Netherlands, the invoice MUST contain either the buyer reference (cbc:BuyerReference) or the order reference (cac:OrderReference/cbc:ID).") {
                $0.exists("cbc:BuyerReference") || $0.exists("cac:OrderReference/cbc:ID")
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress", where: s, [
            fatal("BR-NL-3", "For suppliers in the Netherlands the supplier's address (cac:AccountingSupplierParty/cac:Party/cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and postal zone (cbc:PostalZone).") {
                hasStreetCityPostcode($0)
            },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress", where: s, [
            fatal("BR-NL-4", "For suppliers in the Netherlands, if the customer is in the Netherlands, the customer address (cac:AccountingCustomerParty/cac:Party/cac:PostalAddress) MUST contain the street name (cbc:StreetName), the city (cbc:CityName) and the postal zone (cbc:PostalZone).") {
                $0.exists("cac:Country/cbc:IdentificationCode") { $0.stringValue != "NL" } || hasStreetCityPostcode($0)
            },
        ])
        p.rule("cac:TaxRepresentativeParty/cac:PostalAddress", where: s, [
            fatal("BR-NL-5", "For suppliers in the Netherlands, if the fiscal representative is in the Netherlands, the representative's address (cac:TaxRepresentativeParty/cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and postal zone (cbc:PostalZone).") {
                $0.exists("cac:Country/cbc:IdentificationCode") { $0.stringValue != "NL" } || hasStreetCityPostcode($0)
            },
        ])
        p.rule("cbc:InvoiceTypeCode|cbc:CreditNoteTypeCode", where: s, [
            fatal("BR-NL-7", "The invoice or credit note type code (cbc:InvoiceTypeCode/cbc:CreditNoteTypeCode) MUST have one of the following values: 380, 381, 384, 389.") {
                ["380", "381", "384", "389"].contains($0.stringValue)
            },
            fatal("BR-NL-8", "If the invoice type code (cbc:InvoiceTypeCode) is 381, the document MUST use the CreditNote scheme.") {
                $0.stringValue != "381" || $0.root.isNamed(.cn, "CreditNote")
            },
            fatal("BR-NL-8", "If the credit note type code (cbc:CreditNoteTypeCode) is 380, 384 or 389, the document MUST use the Invoice scheme.") {
                $0.stringValue == "381" || $0.root.isNamed(.ubl, "Invoice")
            },
            fatal("BR-NL-9", "For suppliers in the Netherlands, if the document is a corrective invoice (cbc:InvoiceTypeCode = 384), the document MUST contain an invoice reference (cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID).") {
                $0.stringValue != "384" || $0.root.exists("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")
            },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity", where: s, [
            fatal("BR-NL-10", "For suppliers in the Netherlands, if the customer is in the Netherlands, the customer's legal entity identifier (cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID) MUST be either a KVK (schemeID=0106) or OIN number (schemeID=0190).") { entity in
                let customerInNL = entity.any("//cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode", equals: "NL")
                let schemes = entity.all("//cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID").compactMap { $0.attribute("schemeID") }
                let tokens = Set(schemes.flatMap { $0.split(separator: " ").map(String.init) })
                let identified = !customerInNL || tokens.contains("0106") || tokens.contains("0190")
                let nonEmpty = !entity.exists("cbc:CompanyID") || entity.exists("cbc:CompanyID") { !$0.normalized.isEmpty }
                return identified && nonEmpty
            },
        ])
        p.rule("/ubl:Invoice/cac:LegalMonetaryTotal", where: s, [
            fatal("BR-NL-11", "For suppliers in the Netherlands, the supplier MUST provide a means of payment (cac:PaymentMeans) if the payment is from customer to supplier.") { total in
                guard let payable = total.decimal("cbc:PayableAmount") else { return total.exists("//cac:PaymentMeans") }
                return payable <= .zero || total.exists("//cac:PaymentMeans")
            },
        ])
        p.rule("cac:PaymentMeans", where: s, [
            fatal("BR-NL-12", "For suppliers in the Netherlands, the payment means code (cac:PaymentMeans/cbc:PaymentMeansCode) MUST be one of 30, 48, 49, 57, 58 or 59.") {
                $0.exists("cbc:PaymentMeansCode") { [30, 48, 49, 57, 58, 59].contains($0.double ?? -1) }
            },
            warning("BR-NL-31", "The use of a payment service provider identifier (cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID) is not recommended for SEPA payments (cac:PaymentMeans/cbc:PaymentMeansCode = 58 or 59).") {
                !$0.exists("cbc:PaymentMeansCode") { [58, 59].contains($0.double ?? -1) }
                    || !$0.exists("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID")
            },
        ])
        p.rule("cac:OrderLineReference/cbc:LineID", where: si, [
            fatal("BR-NL-13", "If an order line reference (BT-132) is used, there must be an order reference on the document level (BT-13).") {
                $0.root.exists("cac:OrderReference/cbc:ID")
            },
        ])
        let notRecommended: [(String, String, String)] = [
            ("cbc:TaxCurrencyCode", "BR-NL-19", "The use of a tax currency code (cbc:TaxCurrencyCode) is not recommended."),
            ("cbc:TaxPointDate", "BR-NL-20", "The use of a tax point date (cbc:TaxPointDate) is not recommended, and its value will be ignored."),
            ("cac:InvoicePeriod/cbc:DescriptionCode", "BR-NL-21", "The use of a tax point date code (cac:InvoicePeriod/cbc:DescriptionCode) is not recommended, and its value will be ignored."),
            ("cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate", "BR-NL-24", "The use of a preceding invoice issue date (cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate) is not recommended."),
        ]
        for (context, id, message) in notRecommended {
            p.rule(context, where: s, [warning(id, message) { _ in false }])
        }
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", where: s, [
            warning("BR-NL-25", "The use of a seller tax registration identifier (cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID) is not recommended when the tax scheme is not VAT, since this is not applicable to suppliers in the Netherlands.") {
                !$0.exists("cbc:CompanyID") || $0.any("cac:TaxScheme/cbc:ID", equals: "VAT")
            },
        ])
        let discouraged: [(String, String, String)] = [
            ("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm", "BR-NL-26", "The use of the seller additional legal information field (cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm) is not recommended, since this is not applicable for suppliers in the Netherlands."),
            ("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:AddressLine/cbc:Line", "BR-NL-27-1", "The use of the seller address line 3 (cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:AddressLine/cbc:Line) is not recommended."),
            ("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:AddressLine/cbc:Line", "BR-NL-27-2", "The use of the customer address line 3 (cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:AddressLine/cbc:Line) is not recommended."),
            ("cac:TaxRepresentativeParty/cac:PostalAddress/cac:AddressLine/cbc:Line", "BR-NL-27-3", "The use of the tax representative address line 3 (cac:TaxRepresentativeParty/cac:PostalAddress/cac:AddressLine/cbc:Line) is not recommended."),
            ("cac:Delivery/cac:DeliveryLocation/cac:Address/cac:AddressLine/cbc:Line", "BR-NL-27-4", "The use of the delivery address line 3 (cac:Delivery/cac:DeliveryLocation/cac:Address/cac:AddressLine/cbc:Line) is not recommended."),
            ("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity", "BR-NL-28-1", "The use of a country subdivision (cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity) is not recommended."),
            ("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity", "BR-NL-28-2", "The use of a country subdivision (cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CountrySubentity) is not recommended."),
            ("cac:TaxRepresentativeParty/cac:PostalAddress/cbc:CountrySubentity", "BR-NL-28-3", "The use of a country subdivision (cac:TaxRepresentativeParty/cac:PostalAddress/cbc:CountrySubentity) is not recommended."),
            ("cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CountrySubentity", "BR-NL-28-4", "The use of a country subdivision (cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CountrySubentity) is not recommended."),
        ]
        for (context, id, message) in discouraged {
            p.rule(context, where: s, [warning(id, message) { _ in false }])
        }
        p.rule("cac:PaymentMeans/cbc:PaymentMeansCode", where: s, [
            warning("BR-NL-29", "The use of a payment means text (cac:PaymentMeans/cbc:PaymentMeansCode/@name) is not recommended.") { !$0.hasAttribute("name") },
        ])
        p.rule("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name", where: s, [
            warning("BR-NL-30", "The use of a payment account name (cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name) is not recommended.") { _ in false },
        ])
        // BR-NL-32 (allowance reason code) and BR-NL-34 (charge reason code) share their contexts;
        // the first rule wins, so the official artifacts report BR-NL-32-x for both.
        p.rule("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", where: s, [
            warning("BR-NL-32-1", "The use of an allowance or charge reason code (cac:AllowanceCharge/cbc:AllowanceChargeReasonCode) is not recommended.") { _ in false },
        ])
        p.rule("cac:InvoiceLine/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", where: s, [
            warning("BR-NL-32-2", "The use of an allowance or charge reason code (cac:InvoiceLine/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode) is not recommended.") { _ in false },
        ])
        p.rule("cac:CreditNoteLine/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", where: s, [
            warning("BR-NL-32-3", "The use of an allowance or charge reason code (cac:CreditNoteLine/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode) is not recommended.") { _ in false },
        ])
        p.rule("cac:TaxTotal/cbc:TaxAmount", where: s, [
            warning("BR-NL-33", "The use of a tax total in accounting currency (cac:TaxTotal/cbc:TaxAmount/@currencyID different than DocumentCurrencyCode) is not recommended.") { amount in
                let currency = amount.attribute("currencyID")
                return amount.exists("//cbc:DocumentCurrencyCode") { $0.stringValue == currency }
            },
        ])
        p.rule("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode", where: s, [
            warning("BR-NL-35", "The use of a tax exemption reason code (cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode) is not recommended.") { _ in false },
        ])
        p.rule(anyElement: { $0.isEmptyLeaf }, [
            warning("SI-UBL-2", "Document should not contain empty elements.") { _ in false },
        ])
        return p.pattern
    }()

    static func isSIUBL(_ node: Node) -> Bool {
        node.memo("nlcius.si") { root in
            let id = root.string("cbc:CustomizationID").normalizedSpace
            return id == Specification.siUBL20 || id == Specification.siUBL20 + "#conformant#urn:fdc:nen.nl:gaccount:v1.0"
        }
    }

    /// `$s`: the supplier's postal country is NL (upper-cased) and the document is SI-UBL 2.0.
    static func isDutchSupplier(_ node: Node) -> Bool {
        node.memo("nlcius.s") { root in
            guard isSIUBL(root) else { return false }
            let code = root.first("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
            return code.map { $0.stringValue.normalizedSpace.uppercased() == "NL" } ?? false
        }
    }

    static func hasStreetCityPostcode(_ address: Node) -> Bool {
        address.exists("cbc:StreetName") && address.exists("cbc:CityName") && address.exists("cbc:PostalZone")
    }
}

/// The SI-UBL 2.0 G-account extension (BR-GA-0 … BR-GA-7): a payment split between a regular
/// account and a G-account, each with its own payment terms.
enum GAccountRules {
    static let customizationID = Specification.siUBL20 + "#conformant#urn:fdc:nen.nl:gaccount:v1.0"

    static let pattern: Pattern = {
        var p = PatternBuilder("gaccount")
        p.rule("/ubl:Invoice", [
            fatal("BR-GA-0", "The customization identifier must be \(customizationID).") {
                $0.string("cbc:CustomizationID").normalizedSpace == customizationID
            },
            fatal("BR-GA-1", "A G-account invoice must have exactly two payment terms (cac:PaymentTerms).") { $0.count("cac:PaymentTerms") == 2 },
            fatal("BR-GA-2", "A G-account invoice must have exactly two payment means (cac:PaymentMeans).") { $0.count("cac:PaymentMeans") == 2 },
            fatal("BR-GA-3", "The amount due (cbc:PayableAmount) must equal the sum of the payment terms amounts.") { invoice in
                guard let payable = invoice.decimal("cac:LegalMonetaryTotal/cbc:PayableAmount"),
                    let sum = invoice.sum("cac:PaymentTerms/cbc:Amount")
                else { return false }
                return payable == sum
            },
            fatal("BR-GA-7", "One payment means must have the identifier (cbc:ID) GACCOUNT.") { $0.any("cac:PaymentMeans/cbc:ID", equals: "GACCOUNT") },
        ])
        p.rule("/ubl:Invoice/cac:PaymentTerms", [
            fatal("BR-GA-4", "Each payment terms must have exactly one payment means identifier (cbc:PaymentMeansID).") { $0.count("cbc:PaymentMeansID") == 1 },
        ])
        p.rule("/ubl:Invoice/cac:PaymentTerms/cbc:PaymentMeansID", [
            fatal("BR-GA-6", "Each payment terms must refer to a payment means by its identifier.") { id in
                id.root.any("cac:PaymentMeans/cbc:ID", equals: id.stringValue)
            },
        ])
        p.rule("/ubl:Invoice/cac:PaymentMeans", [
            fatal("BR-GA-5", "Each payment means must have exactly one identifier (cbc:ID).") { $0.count("cbc:ID") == 1 },
        ])
        return p.pattern
    }()
}
