extension PackedBlockStore {
    /// Runs `body` with garbage collection and verification held off and the writer's packs
    /// finished, so that while it runs no pack the index names is removed or rewritten.
    package func withPacksSettled<Result>(_ body: () async throws -> Result) async throws -> Result {
        try await exclusively {
            try await flush()
            return try await body()
        }
    }
}
