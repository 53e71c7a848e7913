using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tenancy.Tests.Infrastructure;

/// <summary>Every log entry of a server, as "category: message" (exceptions included), for tests that check what is logged.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>The entries logged at Error or Critical, in the same form.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
            capture.Lines.Enqueue(line);
            if (logLevel >= LogLevel.Error)
            {
                capture.Errors.Enqueue(line);
            }
        }
    }
}
