using Microsoft.Playwright;

namespace Charge.Host.Tests;

/// <summary>
/// The operator console in a real browser (Debian's chromium driven by Playwright) at a desk's width and a phone's:
/// signs in, waits for pages, keeps a screenshot of each as a test artefact, and checks what every page must hold
/// (no script error, no sideways scroll on a phone, tables as cards there).
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, int width)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
        Width = width;
        page.Console += (_, message) =>
        {
            // A refused call the page itself reports (a 4xx on purpose in a test) is not a script error.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Errors.Add($"{message.Text} {message.Location}");
            }
        };
        page.PageError += (_, error) => Errors.Add(error);
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public int Width { get; }

    public bool Phone => Width < 760;

    public List<string> Errors { get; } = [];

    public static string Artifacts => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts", "console")).FullName;

    public static async Task<ConsoleBrowser> Open(int width)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Args = ["--no-sandbox"] });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = width < 760 ? 900 : 1000 },
            TimezoneId = "America/New_York",
        });
        context.SetDefaultTimeout(30_000);
        return new ConsoleBrowser(playwright, browser, context, await context.NewPageAsync(), width);
    }

    /// <summary>Signs in through the login form with a token.</summary>
    public async Task SignIn(Uri baseAddress, string token)
    {
        await Page.GotoAsync(baseAddress.ToString());
        await Page.WaitForSelectorAsync("#login:not([hidden])");
        await Page.FillAsync("#token-input", token);
        await Page.ClickAsync("#login-form button[type=submit]");
    }

    /// <summary>Opens a console route and waits until its page has rendered.</summary>
    public async Task Go(string route)
    {
        var loads = await Page.EvaluateAsync<int>("() => window.chargeConsole?.loads ?? 0");
        await Page.EvaluateAsync("r => { location.hash = r; }", route);
        await Page.WaitForFunctionAsync($"() => window.chargeConsole && window.chargeConsole.ready && window.chargeConsole.loads > {loads}");
    }

    /// <summary>Keeps a screenshot and checks the page fits: on a phone no sideways scroll and tables as cards.</summary>
    public async Task Check(string name, bool refusalShown = false)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, $"{name}-{Width}.png"), FullPage = true });
        var scrollWidth = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= Width, $"{name} is {scrollWidth} px wide at {Width} px");
        if (Phone)
        {
            // Tables are cards: no header row shown, every cell labelled.
            Assert.True(await Page.EvaluateAsync<bool>("() => [...document.querySelectorAll('table.cards thead')].every(t => getComputedStyle(t).display === 'none')"), $"{name}: a table keeps its header on a phone");
        }
        else
        {
            // At a desk no figure is wrapped: every KPI value stays on one line.
            Assert.True(await Page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.kpis .value')].every(v => v.getClientRects().length <= 1 && v.scrollWidth <= v.clientWidth + 1)"), $"{name}: a figure wraps at {Width} px");
        }

        Assert.Empty(Errors);
        if (!refusalShown)
        {
            Assert.False(await Page.IsVisibleAsync("#message.error"), $"{name} shows an error: {await Page.InnerTextAsync("#message")}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
