// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
/// The EN 16931 code-list rules BR-CL-* (pattern `Codesmodel`). The lists are data in
/// ``CodeLists``; a value passes when, after `normalize-space`, it has no inner space and is in
/// the list.
enum CENCodeRules {
    static func pattern(_ version: CENVersion) -> Pattern {
        var p = PatternBuilder("Codesmodel")
        p.rule("cbc:InvoiceTypeCode|cbc:CreditNoteTypeCode", [
            fatal("BR-CL-01", "The document type code MUST be coded by the invoice and credit note related code lists of UNTDID 1001.") { code in
                code.name == "InvoiceTypeCode"
                    ? code.stringValue.isCode(in: CodeLists.invoiceTypeCodes)
                    : code.stringValue.isCode(in: CodeLists.creditNoteTypeCodes)
            },
        ])
        p.rule("cbc:Amount|cbc:BaseAmount|cbc:PriceAmount|cbc:TaxAmount|cbc:TaxableAmount|cbc:LineExtensionAmount|cbc:TaxExclusiveAmount|cbc:TaxInclusiveAmount|cbc:AllowanceTotalAmount|cbc:ChargeTotalAmount|cbc:PrepaidAmount|cbc:PayableRoundingAmount|cbc:PayableAmount", [
            fatal("BR-CL-03", "currencyID MUST be coded using ISO code list 4217 alpha-3.") {
                ($0.attribute("currencyID") ?? "").isCode(in: CodeLists.currencies)
            },
        ])
        p.rule("cbc:DocumentCurrencyCode", [
            fatal("BR-CL-04", "Invoice currency code MUST be coded using ISO code list 4217 alpha-3.") { $0.stringValue.isCode(in: CodeLists.currencies) },
        ])
        p.rule("cbc:TaxCurrencyCode", [
            fatal("BR-CL-05", "Tax currency code MUST be coded using ISO code list 4217 alpha-3.") { $0.stringValue.isCode(in: CodeLists.currencies) },
        ])
        p.rule("cac:InvoicePeriod/cbc:DescriptionCode", [
            fatal("BR-CL-06", "Value added tax point date code MUST be coded using a restriction of UNTDID 2005.") {
                $0.stringValue.isCode(in: CodeLists.vatPointDateCodes)
            },
        ])
        p.rule("cac:AdditionalDocumentReference/cbc:ID|cac:DocumentReference/cbc:ID", where: { id in
            id.hasAttribute("schemeID") && id.parent?.any("cbc:DocumentTypeCode", equals: "130") == true
        }, [
            fatal("BR-CL-07", "Object identifier identification scheme identifier MUST be coded using a restriction of UNTDID 1153.") {
                ($0.attribute("schemeID") ?? "").isCode(in: CodeLists.objectIdentifierSchemes)
            },
        ])
        p.rule("cac:PartyIdentification/cbc:ID", where: { $0.hasAttribute("schemeID") }, [
            fatal("BR-CL-10", "Any identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.") { id in
                let scheme = id.attribute("schemeID") ?? ""
                if scheme.isCode(in: CodeLists.icd) { return true }
                return scheme.normalizedSpace == "SEPA" && id.hasAncestor(["AccountingSupplierParty", "PayeeParty"])
            },
        ])
        p.rule("cac:PartyLegalEntity/cbc:CompanyID", where: { $0.hasAttribute("schemeID") }, [
            fatal("BR-CL-11", "Any registration identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.") {
                ($0.attribute("schemeID") ?? "").isCode(in: CodeLists.icd)
            },
        ])
        p.rule("cac:CommodityClassification/cbc:ItemClassificationCode", where: { $0.hasAttribute("listID") }, [
            fatal("BR-CL-13", "Item classification identifier identification scheme identifier MUST be coded using one of the UNTDID 7143 list.") {
                ($0.attribute("listID") ?? "").isCode(in: CodeLists.itemClassificationSchemes)
            },
        ])
        p.rule("cac:Country/cbc:IdentificationCode", [
            fatal("BR-CL-14", "Country codes in an invoice MUST be coded using ISO code list 3166-1.") { $0.stringValue.isCode(in: CodeLists.countries) },
        ])
        p.rule("cac:OriginCountry/cbc:IdentificationCode", [
            fatal("BR-CL-15", "Country codes in an invoice MUST be coded using ISO code list 3166-1.") { $0.stringValue.isCode(in: CodeLists.originCountries) },
        ])
        p.rule("cac:PaymentMeans/cbc:PaymentMeansCode", [
            fatal("BR-CL-16", "Payment means in an invoice MUST be coded using UNCL4461 code list.") { $0.stringValue.isCode(in: CodeLists.paymentMeansCodes) },
        ])
        p.rule("cac:TaxCategory/cbc:ID", [
            fatal("BR-CL-17", "Invoice tax categories MUST be coded using UNCL5305 code list.") { $0.stringValue.isCode(in: CodeLists.vatCategories) },
        ])
        p.rule("cac:ClassifiedTaxCategory/cbc:ID", [
            fatal("BR-CL-18", "Invoice tax categories MUST be coded using UNCL5305 code list.") { $0.stringValue.isCode(in: CodeLists.vatCategories) },
        ])
        p.rule("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", where: { $0.parent?.isAllowanceCharge(charge: false) == true }, [
            fatal("BR-CL-19", "Coded allowance reasons MUST belong to the UNCL 5189 code list.") { $0.stringValue.isCode(in: CodeLists.allowanceReasonCodes) },
        ])
        p.rule("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", where: { $0.parent?.isAllowanceCharge(charge: true) == true }, [
            fatal("BR-CL-20", "Coded charge reasons MUST belong to the UNCL 7161 code list.") { $0.stringValue.isCode(in: CodeLists.chargeReasonCodes) },
        ])
        p.rule("cac:StandardItemIdentification/cbc:ID", where: { $0.hasAttribute("schemeID") }, [
            fatal("BR-CL-21", "Item standard identifier scheme identifier MUST belong to the ISO 6523 ICD code list.") {
                ($0.attribute("schemeID") ?? "").isCode(in: CodeLists.icd)
            },
        ])
        p.rule("cbc:TaxExemptionReasonCode", [
            fatal("BR-CL-22", "Tax exemption reason code identifier scheme identifier MUST belong to the CEF VATEX code list.") {
                $0.stringValue.uppercased().isCode(in: CodeLists.vatexCodes)
            },
        ])
        p.rule("cbc:InvoicedQuantity|cbc:BaseQuantity|cbc:CreditedQuantity", where: { $0.hasAttribute("unitCode") }, [
            fatal("BR-CL-23", "Unit code MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 extension.") {
                ($0.attribute("unitCode") ?? "").isCode(in: CodeLists.unitCodes)
            },
        ])
        p.rule("cbc:EmbeddedDocumentBinaryObject", where: { $0.hasAttribute("mimeCode") }, [
            fatal("BR-CL-24", "For Mime code in attribute use MIMEMediaType.") { CodeLists.mimeCodes.contains($0.attribute("mimeCode") ?? "") },
        ])
        p.rule("cbc:EndpointID", where: { $0.hasAttribute("schemeID") }, [
            fatal("BR-CL-25", "Endpoint identifier scheme identifier MUST belong to the CEF EAS code list.") {
                ($0.attribute("schemeID") ?? "").isCode(in: CodeLists.electronicAddressSchemes)
            },
        ])
        p.rule("cac:DeliveryLocation/cbc:ID", where: { $0.hasAttribute("schemeID") }, [
            fatal("BR-CL-26", "Delivery location identifier scheme identifier MUST belong to the ISO 6523 ICD code list.") {
                ($0.attribute("schemeID") ?? "").isCode(in: CodeLists.icd)
            },
        ])
        return p.pattern
    }
}

extension Node {
    /// Some ancestor is a `cac:` element with one of `names`.
    func hasAncestor(_ names: Set<String>) -> Bool {
        var node = parent
        while let current = node {
            if current.namespace == .cac && names.contains(current.name) { return true }
            node = current.parent
        }
        return false
    }
}
