// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
import EInvoice

/// The EN 16931 semantic rules in their UBL binding (pattern `UBL-model`): BR-*, BR-CO-*, BR-DEC-*
/// and the VAT category rules BR-S/Z/E/AE/IC/G/O/IG/IP/B. Written from what each rule means, with
/// the XPath details that decide verdicts kept (general comparisons, missing values, rounding).
enum CENModelRules {
    static func pattern(_ version: CENVersion) -> Pattern {
        var p = PatternBuilder("UBL-model")
        p.rule("cac:AdditionalDocumentReference", [
            fatal("BR-52", "Each Additional supporting document (BG-24) shall contain a Supporting document reference (BT-122).") {
                $0.nonEmpty("cbc:ID")
            },
        ])
        if version != .v1_3_16 {
            p.rule("/ubl:Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount", [
                fatal("BR-CO-25", "In case the Amount due for payment (BT-115) is positive, either the Payment due date (BT-9) or the Payment terms (BT-20) shall be present.") {
                    guard let amount = $0.double else { return false }
                    return amount <= 0 || $0.exists("//cbc:DueDate") || $0.exists("//cac:PaymentTerms/cbc:Note")
                },
            ])
        }
        p.rule("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", [
            fatal("BR-63", "The Buyer electronic address (BT-49) shall have a Scheme identifier.") { $0.hasAttribute("schemeID") },
        ])
        p.rule("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress", [
            fatal("BR-11", "The Buyer postal address (BG-8) shall contain a Buyer country code (BT-55).") {
                $0.nonEmpty("cac:Country/cbc:IdentificationCode")
            },
        ])
        p.rule("cac:PaymentMeans/cac:CardAccount", [
            Assertion(id: "BR-51", flag: version == .v1_3_14_1 ? .fatal : .warning, message: "The last 4 to 6 digits of the Payment card primary account number (BT-87) shall be present if Payment card information (BG-18) is provided in the Invoice.") {
                let length = $0.string("cbc:PrimaryAccountNumberID").xpathLength
                return length >= 4 && length <= 6
            },
        ])
        p.rule("cac:Delivery/cac:DeliveryLocation/cac:Address", [
            fatal("BR-57", "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).") {
                $0.exists("cac:Country/cbc:IdentificationCode")
            },
        ])
        p.rule("/ubl:Invoice/cac:AllowanceCharge|/cn:CreditNote/cac:AllowanceCharge", where: { $0.isAllowanceCharge(charge: false) }, [
            fatal("BR-31", "Each Document level allowance (BG-20) shall have a Document level allowance amount (BT-92).") { $0.exists("cbc:Amount") },
            fatal("BR-32", "Each Document level allowance (BG-20) shall have a Document level allowance VAT category code (BT-95).") {
                $0.exists("cac:TaxCategory") { $0.hasVATScheme && $0.exists("cbc:ID") }
            },
            fatal("BR-33", "Each Document level allowance (BG-20) shall have a Document level allowance reason (BT-97) or a Document level allowance reason code (BT-98).") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-CO-21", "Each Document level allowance (BG-20) shall contain a Document level allowance reason (BT-97) or a Document level allowance reason code (BT-98), or both.") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-DEC-01", "The allowed maximum number of decimals for the Document level allowance amount (BT-92) is 2.") { $0.atMostTwoDecimals("cbc:Amount") },
            fatal("BR-DEC-02", "The allowed maximum number of decimals for the Document level allowance base amount (BT-93) is 2.") { $0.atMostTwoDecimals("cbc:BaseAmount") },
        ])
        p.rule("/ubl:Invoice/cac:AllowanceCharge|/cn:CreditNote/cac:AllowanceCharge", where: { $0.isAllowanceCharge(charge: true) }, [
            fatal("BR-36", "Each Document level charge (BG-21) shall have a Document level charge amount (BT-99).") { $0.exists("cbc:Amount") },
            fatal("BR-37", "Each Document level charge (BG-21) shall have a Document level charge VAT category code (BT-102).") {
                $0.exists("cac:TaxCategory") { $0.hasVATScheme && $0.exists("cbc:ID") }
            },
            fatal("BR-38", "Each Document level charge (BG-21) shall have a Document level charge reason (BT-104) or a Document level charge reason code (BT-105).") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-CO-22", "Each Document level charge (BG-21) shall contain a Document level charge reason (BT-104) or a Document level charge reason code (BT-105), or both.") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-DEC-05", "The allowed maximum number of decimals for the Document level charge amount (BT-99) is 2.") { $0.atMostTwoDecimals("cbc:Amount") },
            fatal("BR-DEC-06", "The allowed maximum number of decimals for the Document level charge base amount (BT-100) is 2.") { $0.atMostTwoDecimals("cbc:BaseAmount") },
        ])
        p.rule("cac:LegalMonetaryTotal", legalMonetaryTotal(version))
        p.rule("/ubl:Invoice|/cn:CreditNote", document(version))
        p.rule("cac:InvoiceLine|cac:CreditNoteLine", line)
        p.rule("//cac:InvoiceLine/cac:AllowanceCharge|//cac:CreditNoteLine/cac:AllowanceCharge", where: { $0.isAllowanceCharge(charge: false) }, [
            fatal("BR-41", "Each Invoice line allowance (BG-27) shall have an Invoice line allowance amount (BT-136).") { $0.exists("cbc:Amount") },
            fatal("BR-42", "Each Invoice line allowance (BG-27) shall have an Invoice line allowance reason (BT-139) or an Invoice line allowance reason code (BT-140).") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-CO-23", "Each Invoice line allowance (BG-27) shall contain an Invoice line allowance reason (BT-139) or an Invoice line allowance reason code (BT-140), or both.") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-DEC-24", "The allowed maximum number of decimals for the Invoice line allowance amount (BT-136) is 2.") { $0.atMostTwoDecimals("cbc:Amount") },
            fatal("BR-DEC-25", "The allowed maximum number of decimals for the Invoice line allowance base amount (BT-137) is 2.") { $0.atMostTwoDecimals("cbc:BaseAmount") },
        ])
        p.rule("//cac:InvoiceLine/cac:AllowanceCharge|//cac:CreditNoteLine/cac:AllowanceCharge", where: { $0.isAllowanceCharge(charge: true) }, [
            fatal("BR-43", "Each Invoice line charge (BG-28) shall have an Invoice line charge amount (BT-141).") { $0.exists("cbc:Amount") },
            fatal("BR-44", "Each Invoice line charge shall have an Invoice line charge reason or an invoice line allowance reason code.") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-CO-24", "Each Invoice line charge (BG-28) shall contain an Invoice line charge reason (BT-144) or an Invoice line charge reason code (BT-145), or both.") {
                $0.exists("cbc:AllowanceChargeReason") || $0.exists("cbc:AllowanceChargeReasonCode")
            },
            fatal("BR-DEC-27", "The allowed maximum number of decimals for the Invoice line charge amount (BT-141) is 2.") { $0.atMostTwoDecimals("cbc:Amount") },
            fatal("BR-DEC-28", "The allowed maximum number of decimals for the Invoice line charge base amount (BT-142) is 2.") { $0.atMostTwoDecimals("cbc:BaseAmount") },
        ])
        p.rule("cac:InvoiceLine/cac:InvoicePeriod|cac:CreditNoteLine/cac:InvoicePeriod", [
            fatal("BR-30", "If both Invoice line period start date (BT-134) and Invoice line period end date (BT-135) are given then the Invoice line period end date (BT-135) shall be later or equal to the Invoice line period start date (BT-134).") {
                periodIsOrdered($0)
            },
            fatal("BR-CO-20", "If Invoice line period (BG-26) is used, the Invoice line period start date (BT-134) or the Invoice line period end date (BT-135) shall be filled, or both.") {
                $0.exists("cbc:StartDate") || $0.exists("cbc:EndDate")
            },
        ])
        p.rule("cac:InvoicePeriod", [
            fatal("BR-29", "If both Invoicing period start date (BT-73) and Invoicing period end date (BT-74) are given then the Invoicing period end date (BT-74) shall be later or equal to the Invoicing period start date (BT-73).") {
                periodIsOrdered($0)
            },
            fatal("BR-CO-19", "If Invoicing period (BG-14) is used, the Invoicing period start date (BT-73) or the Invoicing period end date (BT-74) shall be filled, or both.") {
                let dates = $0.exists("cbc:StartDate") || $0.exists("cbc:EndDate")
                let code = $0.exists("cbc:DescriptionCode")
                // Since CEN 1.3.15 the VAT point date code (BT-8) may stand beside the dates.
                return version == .v1_3_14_1 ? (dates && !code) || (code && !dates) : dates || code
            },
        ])
        p.rule("//cac:AdditionalItemProperty", [
            fatal("BR-54", "Each Item attribute (BG-32) shall contain an Item attribute name (BT-160) and an Item attribute value (BT-161).") {
                $0.exists("cbc:Name") && $0.exists("cbc:Value")
            },
        ])
        p.rule("cac:InvoiceLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode|cac:CreditNoteLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode", [
            fatal("BR-65", "The Item classification identifier (BT-158) shall have a Scheme identifier.") { $0.hasAttribute("listID") },
        ])
        p.rule("cac:InvoiceLine/cac:Item/cac:StandardItemIdentification/cbc:ID|cac:CreditNoteLine/cac:Item/cac:StandardItemIdentification/cbc:ID", [
            fatal("BR-64", "The Item standard identifier (BT-157) shall have a Scheme identifier.") { $0.hasAttribute("schemeID") },
        ])
        p.rule("/ubl:Invoice/cbc:Note|/cn:CreditNote/cbc:Note", [
            fatal("BR-CL-08", "Invoiced note subject code shall be coded using UNCL4451.") { note in
                // Only a `#XXX#` prefix of exactly three characters is a subject code to check.
                // Searched as bytes: XPath's strings are code points, and a note may be long.
                let text = note.stringValue.utf8
                guard let first = text.firstIndex(of: UInt8(ascii: "#")) else { return true }
                let after = text[text.index(after: first)...]
                guard let second = after.firstIndex(of: UInt8(ascii: "#")) else { return true }
                let code = String(decoding: after[..<second], as: UTF8.self)
                guard code.xpathLength == 3 else { return true }
                return CodeLists.noteSubjectCodes.contains(code)
            },
        ])
        p.rule("cac:PayeeParty", [
            fatal("BR-17", "The Payee name (BT-59) shall be provided in the Invoice, if the Payee (BG-10) is different from the Seller (BG-4).") { payee in
                guard payee.exists("cac:PartyName/cbc:Name") else { return false }
                let sellerNames = Set(payee.all("../cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name").map(\.stringValue))
                let sellerIDs = Set(payee.all("../cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID").map(\.stringValue))
                let sameName = payee.exists("cac:PartyName/cbc:Name") { sellerNames.contains($0.stringValue) }
                let sameID = payee.exists("cac:PartyIdentification/cbc:ID") { sellerIDs.contains($0.stringValue) }
                return !sameName && !sameID
            },
        ])
        p.rule("cac:PaymentMeans/cac:PayeeFinancialAccount", where: { account in
            account.parent?.exists("cbc:PaymentMeansCode") { $0.stringValue == "30" || $0.stringValue == "58" } == true
        }, [
            fatal("BR-50", "A Payment account identifier (BT-84) shall be present if Credit transfer (BG-17) information is provided in the Invoice.") {
                // normalize-space(cbc:ID) != '': an id of white space only is missing.
                !$0.string("cbc:ID").normalizedSpace.isEmpty
            },
        ])
        p.rule("cac:PaymentMeans", [
            fatal("BR-49", "A Payment instruction (BG-16) shall specify the Payment means type code (BT-81).") { $0.exists("cbc:PaymentMeansCode") },
            fatal("BR-61", "If the Payment means type code (BT-81) means SEPA credit transfer, Local credit transfer or Non-SEPA international credit transfer, the Payment account identifier (BT-84) shall be present.") { means in
                let isTransfer = means.exists("cbc:PaymentMeansCode") { ["30", "58"].contains($0.normalized) }
                let isOther = means.exists("cbc:PaymentMeansCode") { $0.normalized != "30" && $0.normalized != "58" }
                return (means.exists("cac:PayeeFinancialAccount/cbc:ID") && isTransfer) || isOther
            },
        ])
        p.rule("cac:BillingReference", [
            fatal("BR-55", "Each Preceding Invoice reference (BG-3) shall contain a Preceding Invoice reference (BT-25).") {
                $0.exists("cac:InvoiceDocumentReference/cbc:ID")
            },
        ])
        p.rule("cac:AccountingSupplierParty", [
            fatal("BR-CO-26", "In order for the buyer to automatically identify a supplier, the Seller identifier (BT-29), the Seller legal registration identifier (BT-30) and/or the Seller VAT identifier (BT-31) shall be present.") {
                $0.exists("cac:Party/cac:PartyTaxScheme") { $0.hasVATScheme && $0.exists("cbc:CompanyID") }
                    || $0.exists("cac:Party/cac:PartyIdentification/cbc:ID") || $0.exists("cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
            },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", [
            fatal("BR-62", "The Seller electronic address (BT-34) shall have a Scheme identifier.") { $0.hasAttribute("schemeID") },
        ])
        p.rule("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress", [
            fatal("BR-09", "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).") {
                $0.nonEmpty("cac:Country/cbc:IdentificationCode")
            },
        ])
        p.rule("cac:TaxRepresentativeParty", [
            fatal("BR-18", "The Seller tax representative name (BT-62) shall be provided in the Invoice, if the Seller (BG-4) has a Seller tax representative party (BG-11).") {
                $0.nonEmpty("cac:PartyName/cbc:Name")
            },
            fatal("BR-19", "The Seller tax representative postal address (BG-12) shall be provided in the Invoice, if the Seller (BG-4) has a Seller tax representative party (BG-11).") {
                $0.exists("cac:PostalAddress")
            },
            fatal("BR-56", "Each Seller tax representative party (BG-11) shall have a Seller tax representative VAT identifier (BT-63).") {
                $0.exists("cac:PartyTaxScheme") { $0.hasVATScheme && $0.exists("cbc:CompanyID") }
            },
        ])
        p.rule("cac:TaxRepresentativeParty/cac:PostalAddress", [
            fatal("BR-20", "The Seller tax representative postal address (BG-12) shall contain a Tax representative country code (BT-69), if the Seller (BG-4) has a Seller tax representative party (BG-11).") {
                $0.nonEmpty("cac:Country/cbc:IdentificationCode")
            },
        ])
        p.rule("/ubl:Invoice/cac:TaxTotal|/cn:CreditNote/cac:TaxTotal", [
            fatal("BR-CO-14", "Invoice total VAT amount (BT-110) = Σ VAT category tax amount (BT-117).") { total in
                guard total.exists("cac:TaxSubtotal") else { return true }
                guard let amount = total.decimal("cbc:TaxAmount"), let sum = total.sum("cac:TaxSubtotal/cbc:TaxAmount") else { return false }
                return amount == XPathNumber.round2(sum)
            },
        ])
        p.rule("cac:TaxTotal/cac:TaxSubtotal", taxSubtotal)
        p.rule("//cac:PartyTaxScheme", where: { $0.hasVATScheme }, [
            fatal("BR-CO-09", "The Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) shall have a prefix in accordance with ISO code ISO 3166-1 alpha-2 by which the country of issue may be identified. Nevertheless, Greece may use the prefix 'EL'.") {
                // XPath contains() on the list: any substring of the list passes, "" included.
                let prefix = String($0.string("cbc:CompanyID").prefix(2))
                return prefix.isEmpty || vatPrefixSubstrings.contains(prefix)
            },
        ])
        for category in VATCategoryRules.all(version) {
            category.add(to: &p)
        }
        return p.pattern
    }

    /// Every substring of up to two characters of the rule's ISO 3166 list string, so the test
    /// behaves as XPath `contains()` on it does (a one-letter prefix passes too).
    static let vatPrefixSubstrings: Set<String> = {
        let text = Array(CodeLists.vatPrefixes.sorted().joined(separator: " "))
        var substrings = Set<String>()
        for start in text.indices {
            substrings.insert(String(text[start]))
            if start + 1 < text.count { substrings.insert(String(text[start...(start + 1)])) }
        }
        return substrings
    }()

    static func periodIsOrdered(_ period: Node) -> Bool {
        guard period.exists("cbc:StartDate"), period.exists("cbc:EndDate") else { return true }
        guard let start = LocalDate(period.string("cbc:StartDate")), let end = LocalDate(period.string("cbc:EndDate")) else {
            return false
        }
        return end >= start
    }

    static func legalMonetaryTotal(_ version: CENVersion) -> [Assertion] { [
        fatal("BR-12", "An Invoice shall have the Sum of Invoice line net amount (BT-106).") { $0.exists("cbc:LineExtensionAmount") },
        fatal("BR-13", "An Invoice shall have the Invoice total amount without VAT (BT-109).") { $0.exists("cbc:TaxExclusiveAmount") },
        fatal("BR-14", "An Invoice shall have the Invoice total amount with VAT (BT-112).") { $0.exists("cbc:TaxInclusiveAmount") },
        fatal("BR-15", "An Invoice shall have the Amount due for payment (BT-115).") { $0.exists("cbc:PayableAmount") },
        fatal("BR-CO-10", "Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).") { total in
            guard let stated = total.decimal("cbc:LineExtensionAmount"),
                let sum = total.sum("//cac:InvoiceLine|cac:CreditNoteLine/cbc:LineExtensionAmount")
            else { return false }
            return stated == XPathNumber.round2(sum)
        },
        fatal("BR-CO-11", "Sum of allowances on document level (BT-107) = Σ Document level allowance amount (BT-92).") { total in
            let hasAllowances = total.exists("../cac:AllowanceCharge") { $0.isAllowanceCharge(charge: false) }
            if !total.exists("cbc:AllowanceTotalAmount") && !hasAllowances { return true }
            guard let stated = total.decimal("cbc:AllowanceTotalAmount"), let sum = sumAmounts(total, charge: false) else {
                return false
            }
            return stated == XPathNumber.round2(sum)
        },
        fatal("BR-CO-12", "Sum of charges on document level (BT-108) = Σ Document level charge amount (BT-99).") { total in
            let hasCharges = total.exists("../cac:AllowanceCharge") { $0.isAllowanceCharge(charge: true) }
            if !total.exists("cbc:ChargeTotalAmount") && !hasCharges { return true }
            guard let stated = total.decimal("cbc:ChargeTotalAmount"), let sum = sumAmounts(total, charge: true) else { return false }
            return stated == XPathNumber.round2(sum)
        },
        fatal("BR-CO-13", "Invoice total amount without VAT (BT-109) = Σ Invoice line net amount (BT-131) - Sum of allowances on document level (BT-107) + Sum of charges on document level (BT-108).") { total in
            guard let exclusive = total.decimal("cbc:TaxExclusiveAmount"), let lines = total.decimal("cbc:LineExtensionAmount") else {
                return false
            }
            let hasCharge = total.exists("cbc:ChargeTotalAmount")
            let hasAllowance = total.exists("cbc:AllowanceTotalAmount")
            let charges = total.decimal("cbc:ChargeTotalAmount")
            let allowances = total.decimal("cbc:AllowanceTotalAmount")
            switch (hasCharge, hasAllowance) {
            case (true, true):
                guard let charges, let allowances else { return false }
                return exclusive == XPathNumber.round2(lines + charges - allowances)
            case (false, true):
                guard let allowances else { return false }
                return exclusive == XPathNumber.round2(lines - allowances)
            case (true, false):
                guard let charges else { return false }
                return exclusive == XPathNumber.round2(lines + charges)
            case (false, false):
                return exclusive == lines
            }
        },
        fatal("BR-CO-16", "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) -Paid amount (BT-113) +Rounding amount (BT-114).") { total in
            let payable = total.decimal("cbc:PayableAmount")
            let inclusive = total.decimal("cbc:TaxInclusiveAmount")
            let prepaid = total.decimal("cbc:PrepaidAmount")
            let rounding = total.decimal("cbc:PayableRoundingAmount")
            guard let payable, let inclusive else { return false }
            if version != .v1_3_14_1 {
                // Since CEN 1.3.15: one formula, absent amounts counting as zero.
                if prepaid == nil && total.exists("cbc:PrepaidAmount") { return false }
                if rounding == nil && total.exists("cbc:PayableRoundingAmount") { return false }
                return payable == XPathNumber.round2(inclusive - (prepaid ?? .zero) + (rounding ?? .zero))
            }
            // `xs:decimal(x)` as a condition is its effective boolean value: present and not zero.
            let prepaidTrue = prepaid.map { !$0.isZero } ?? false
            let roundingTrue = rounding.map { !$0.isZero } ?? false
            if total.exists("cbc:PrepaidAmount") && !total.exists("cbc:PayableRoundingAmount"), let prepaid,
                payable == XPathNumber.round2(inclusive - prepaid)
            {
                return true
            }
            if !prepaidTrue && !roundingTrue && payable == inclusive { return true }
            if prepaidTrue && roundingTrue, let prepaid, let rounding,
                XPathNumber.round2(payable - rounding) == XPathNumber.round2(inclusive - prepaid)
            {
                return true
            }
            if !prepaidTrue && roundingTrue, let rounding, XPathNumber.round2(payable - rounding) == inclusive { return true }
            return false
        },
        fatal("BR-DEC-09", "The allowed maximum number of decimals for the Sum of Invoice line net amount (BT-106) is 2.") { $0.atMostTwoDecimals("cbc:LineExtensionAmount") },
        fatal("BR-DEC-10", "The allowed maximum number of decimals for the Sum of allowances on document level (BT-107) is 2.") { $0.atMostTwoDecimals("cbc:AllowanceTotalAmount") },
        fatal("BR-DEC-11", "The allowed maximum number of decimals for the Sum of charges on document level (BT-108) is 2.") { $0.atMostTwoDecimals("cbc:ChargeTotalAmount") },
        fatal("BR-DEC-12", "The allowed maximum number of decimals for the Invoice total amount without VAT (BT-109) is 2.") { $0.atMostTwoDecimals("cbc:TaxExclusiveAmount") },
        fatal("BR-DEC-14", "The allowed maximum number of decimals for the Invoice total amount with VAT (BT-112) is 2.") { $0.atMostTwoDecimals("cbc:TaxInclusiveAmount") },
        fatal("BR-DEC-16", "The allowed maximum number of decimals for the Paid amount (BT-113) is 2.") { $0.atMostTwoDecimals("cbc:PrepaidAmount") },
        fatal("BR-DEC-17", "The allowed maximum number of decimals for the Rounding amount (BT-114) is 2.") { $0.atMostTwoDecimals("cbc:PayableRoundingAmount") },
        fatal("BR-DEC-18", "The allowed maximum number of decimals for the Amount due for payment (BT-115) is 2.") { $0.atMostTwoDecimals("cbc:PayableAmount") },
    ] }

    /// Σ `cbc:Amount` of the document level allowances (`charge` false) or charges.
    static func sumAmounts(_ total: Node, charge: Bool) -> DecimalNumber? {
        var sum = DecimalNumber.zero
        var valid = true
        total.select("../cac:AllowanceCharge") { allowance in
            guard allowance.isAllowanceCharge(charge: charge) else { return true }
            allowance.select("cbc:Amount") { amount in
                guard let value = amount.decimal else { valid = false; return false }
                sum += value
                return true
            }
            return valid
        }
        return valid ? sum : nil
    }

    static func document(_ version: CENVersion) -> [Assertion] {
        var assertions: [Assertion] = [
            fatal("BR-01", "An Invoice shall have a Specification identifier (BT-24).") { $0.nonEmpty("cbc:CustomizationID") },
            fatal("BR-02", "An Invoice shall have an Invoice number (BT-1).") { $0.nonEmpty("cbc:ID") },
            fatal("BR-03", "An Invoice shall have an Invoice issue date (BT-2).") { $0.nonEmpty("cbc:IssueDate") },
            fatal("BR-04", "An Invoice shall have an Invoice type code (BT-3).") {
                $0.nonEmpty("cbc:InvoiceTypeCode") || $0.nonEmpty("cbc:CreditNoteTypeCode")
            },
            fatal("BR-05", "An Invoice shall have an Invoice currency code (BT-5).") { $0.nonEmpty("cbc:DocumentCurrencyCode") },
            fatal("BR-06", "An Invoice shall contain the Seller name (BT-27).") {
                $0.nonEmpty("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
            },
            fatal("BR-07", "An Invoice shall contain the Buyer name (BT-44).") {
                $0.nonEmpty("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
            },
            fatal("BR-08", "An Invoice shall contain the Seller postal address (BG-5).") { $0.exists("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress") },
            fatal("BR-10", "An Invoice shall contain the Buyer postal address (BG-8).") { $0.exists("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress") },
            fatal("BR-16", "An Invoice shall have at least one Invoice line (BG-25).") { $0.exists("cac:InvoiceLine") || $0.exists("cac:CreditNoteLine") },
            fatal("BR-53", "If the VAT accounting currency code (BT-6) is present, then the Invoice total VAT amount in accounting currency (BT-111) shall be provided.") { document in
                document.all("cbc:TaxCurrencyCode").allSatisfy { currency in
                    document.exists("//cac:TaxTotal/cbc:TaxAmount") { $0.attribute("currencyID") == currency.stringValue }
                }
            },
            fatal("BR-CO-03", "Value added tax point date (BT-7) and Value added tax point date code (BT-8) are mutually exclusive.") {
                !($0.exists("cbc:TaxPointDate") && $0.exists("cac:InvoicePeriod/cbc:DescriptionCode"))
            },
            fatal("BR-CO-15", "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110).") { document in
                document.all("cbc:DocumentCurrencyCode").allSatisfy { currency in
                    let amounts = document.all("cac:TaxTotal/cbc:TaxAmount").filter { $0.attribute("currencyID") == currency.stringValue }
                    guard amounts.count == 1, let tax = amounts[0].decimal,
                        let inclusive = document.decimal("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
                        let exclusive = document.decimal("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
                    else { return false }
                    return inclusive == XPathNumber.round2(exclusive + tax)
                }
            },
            fatal("BR-CO-18", "An Invoice shall at least have one VAT breakdown group (BG-23).") { $0.exists("cac:TaxTotal/cac:TaxSubtotal") },
            fatal("BR-B-01", "An Invoice where the VAT category code (BT-151, BT-95 or BT-102) is “Split payment” shall be a domestic Italian invoice.") { document in
                let usesB = document.any("//cac:TaxCategory/cbc:ID", equals: "B") || document.any("//cac:ClassifiedTaxCategory/cbc:ID", equals: "B")
                guard usesB else { return true }
                return !document.exists("//cbc:IdentificationCode") { $0.stringValue != "IT" }
            },
            fatal("BR-B-02", "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is “Split payment\" shall not contain an invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is “Standard rated”.") { document in
                let usesB = document.any("//cac:TaxCategory/cbc:ID", equals: "B") || document.any("//cac:ClassifiedTaxCategory/cbc:ID", equals: "B")
                guard usesB else { return true }
                return !(document.any("//cac:TaxCategory/cbc:ID", equals: "S") || document.any("//cac:ClassifiedTaxCategory/cbc:ID", equals: "S"))
            },
            // BR-DEC-13 and BR-DEC-15 compare each TaxAmount's currencyID with a child it does not
            // have, so in every official release they never fire; UBL-DT-01 covers the decimals.
        ]
        if version == .v1_3_14_1 {
            assertions += [
                fatal("BR-66", "An Invoice shall contain maximum one Payment Card account (BG-18).") { $0.count("cac:PaymentMeans/cac:CardAccount") <= 1 },
                fatal("BR-67", "An Invoice shall contain maximum one Payment Mandate (BG-19).") { $0.count("cac:PaymentMeans/cac:PaymentMandate") <= 1 },
            ]
        }
        assertions += VATCategoryRules.documentAssertions(version)
        return assertions
    }

    static let line: [Assertion] = [
        fatal("BR-21", "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126).") { $0.nonEmpty("cbc:ID") },
        fatal("BR-22", "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).") {
            $0.exists("cbc:InvoicedQuantity") || $0.exists("cbc:CreditedQuantity")
        },
        fatal("BR-23", "An Invoice line (BG-25) shall have an Invoiced quantity unit of measure code (BT-130).") {
            $0.exists("cbc:InvoicedQuantity|cbc:CreditedQuantity") { $0.hasAttribute("unitCode") }
        },
        fatal("BR-24", "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).") { $0.exists("cbc:LineExtensionAmount") },
        fatal("BR-25", "Each Invoice line (BG-25) shall contain the Item name (BT-153).") { $0.nonEmpty("cac:Item/cbc:Name") },
        fatal("BR-26", "Each Invoice line (BG-25) shall contain the Item net price (BT-146).") { $0.exists("cac:Price/cbc:PriceAmount") },
        fatal("BR-27", "The Item net price (BT-146) shall NOT be negative.") {
            $0.exists("cac:Price/cbc:PriceAmount") { ($0.double ?? -1) >= 0 }
        },
        fatal("BR-28", "The Item gross price (BT-148) shall NOT be negative.") {
            !$0.exists("cac:Price/cac:AllowanceCharge/cbc:BaseAmount")
                || $0.exists("cac:Price/cac:AllowanceCharge/cbc:BaseAmount") { ($0.double ?? -1) >= 0 }
        },
        fatal("BR-CO-04", "Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151).") {
            $0.exists("cac:Item/cac:ClassifiedTaxCategory") { $0.hasVATScheme && $0.exists("cbc:ID") }
        },
        fatal("BR-DEC-23", "The allowed maximum number of decimals for the Invoice line net amount (BT-131) is 2.") { $0.atMostTwoDecimals("cbc:LineExtensionAmount") },
    ]

    static let taxSubtotal: [Assertion] = [
        fatal("BR-45", "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116).") { $0.exists("cbc:TaxableAmount") },
        fatal("BR-46", "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117).") { $0.exists("cbc:TaxAmount") },
        fatal("BR-47", "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).") {
            $0.exists("cac:TaxCategory") { $0.hasVATScheme && $0.exists("cbc:ID") }
        },
        fatal("BR-48", "Each VAT breakdown (BG-23) shall have a VAT category rate (BT-119), except if the Invoice is not subject to VAT.") {
            $0.exists("cac:TaxCategory") { $0.hasVATScheme && ($0.exists("cbc:Percent") || $0.categoryID == "O") }
        },
        fatal("BR-CO-17", "VAT category tax amount (BT-117) = VAT category taxable amount (BT-116) x (VAT category rate (BT-119) / 100), rounded to two decimals.") { subtotal in
            let category = subtotal.all("cac:TaxCategory").first { $0.hasVATScheme }
            let percentNode = category?.first("cbc:Percent")
            let taxAmount = subtotal.decimal("cbc:TaxAmount")
            if let percentNode {
                guard let percent = percentNode.decimal, let taxAmount else { return false }
                if percent.rounded(scale: 0).isZero { return taxAmount.rounded(scale: 0).isZero }
                guard let taxable = subtotal.decimal("cbc:TaxableAmount") else { return false }
                let expected = VATCategoryRules.expectedTax(taxable: taxable, percent: percent)
                let actual = taxAmount.magnitude
                return actual - 1 < expected && actual + 1 > expected
            }
            guard let taxAmount else { return false }
            return taxAmount.rounded(scale: 0).isZero
        },
        fatal("BR-DEC-19", "The allowed maximum number of decimals for the VAT category taxable amount (BT-116) is 2.") { $0.atMostTwoDecimals("cbc:TaxableAmount") },
        fatal("BR-DEC-20", "The allowed maximum number of decimals for the VAT category tax amount (BT-117) is 2.") { $0.atMostTwoDecimals("cbc:TaxAmount") },
    ]
}
