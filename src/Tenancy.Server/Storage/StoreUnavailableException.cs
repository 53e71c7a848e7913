namespace Tenancy.Server.Storage;

/// <summary>
/// No connection to the store could be opened (no host reachable, no host writable, the server starting
/// or stopping), after the short retries of <see cref="PostgresConnections"/>. Answered 503 with Retry-After.
/// </summary>
public sealed class StoreUnavailableException(Exception inner)
    : Exception("The store cannot be reached: " + inner.Message, inner);
