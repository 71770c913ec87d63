import EInvoiceRules

/// Any bytes, under every rule set: a report or a read error, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for ruleSet in [Validator.RuleSet.auto, .peppol, .siUBLGAccount] {
        _ = try? Validator(ruleSet: ruleSet).validate(bytes)
    }
    return 0
}
