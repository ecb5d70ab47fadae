/// The account settings that several services read inside their transactions.
extension MetadataTransaction {
    /// The caller's settings in its region, or the defaults when it has changed none.
    func settings(of caller: Caller) throws -> AccountRegionSettings {
        try fetch(AccountRegionSettings.self, id: AccountRegionSettings.id(account: caller.account, region: caller.region))
            ?? AccountRegionSettings(account: caller.account, region: caller.region)
    }
}
