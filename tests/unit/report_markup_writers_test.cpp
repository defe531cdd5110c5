// The Markdown, GitHub, JUnit, GitLab and HTML writers: structure and escaping. Real consumers
// read their output in report_junit_consumer_test.cpp and report_html_chromium_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "report/markup.hpp"
#include "report/writer.hpp"
#include "unit/report_sample.hpp"

namespace mgate {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string write(std::string_view format, const Report& report) {
  std::ostringstream out;
  find_writer(format)->write(report, out, WriterOptions{});
  return out.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> all;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) all.push_back(line);
  return all;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// --- escaping helpers -------------------------------------------------------------------

TEST(Markup, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(escape_markup(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(Markup, ReplacesInvalidUtf8AndForbiddenControlCharacters) {
  EXPECT_EQ(valid_utf8("caf\xe9!"), "caf\xEF\xBF\xBD!");
  EXPECT_EQ(valid_utf8("\xF0\x9F\x98"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(valid_utf8("naïve 😀"), "naïve 😀");
  EXPECT_EQ(escape_markup(std::string("a\x01"
                                      "b\tc\n",
                                      6)),
            "a\xEF\xBF\xBD"
            "b\tc\n");
}

// --- github -----------------------------------------------------------------------------

TEST(GithubWriter, WritesOneWorkflowCommandPerFindingThenTheVerdict) {
  const auto out = lines(write("github", sample::small_report()));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0],
            "::notice file=db/001_créer users.up.sql,line=2,col=5,endLine=2,endColumn=24,"
            "title=mgate prefer-text::column `naïve_😀` is varchar(20)%0Ahelp: use text with a "
            "CHECK constraint");
  EXPECT_EQ(out[1],
            "::error file=db/002_add_orders.up.sql,line=4,col=1,endLine=4,endColumn=37,"
            "title=mgate require-concurrent-index::CREATE INDEX blocks writes to `orders` while "
            "the index builds%0Ahelp: build it with CREATE INDEX CONCURRENTLY");
  // No location: the migration's file, without a line.
  EXPECT_EQ(out[2],
            "::warning file=db/002_add_orders.up.sql,title=mgate missing-down::migration 002 has "
            "no down migration%0Ahelp: add db/002_add_orders.down.sql");
  EXPECT_EQ(out[3], "mgate: 1 error, 1 warning, 1 note: FAIL");
}

TEST(GithubWriter, EscapesDataAndProperties) {
  Report report;
  Finding f;
  f.rule = "a,b:c";
  f.gate = "lint";
  f.message = "100% sure\r\nline two: a,b";
  f.location = sample::at("db/we,ird:name%.sql", 3, 2, 3, 9);
  GateResult gate = sample::gate("lint", GateStatus::fail);
  gate.findings.push_back(f);
  report.gates.push_back(gate);
  const auto out = lines(write("github", report));
  EXPECT_EQ(out[0],
            "::error file=db/we%2Cird%3Aname%25.sql,line=3,col=2,endLine=3,endColumn=8,"
            "title=mgate a%2Cb%3Ac::100%25 sure%0D%0Aline two: a,b");
}

TEST(GithubWriter, AGateThatCouldNotRunIsAnError) {
  Report report;
  GateResult gate = sample::gate("forward", GateStatus::error);
  gate.skip_reason = "PostgreSQL could not start: port 5432, in use";
  report.gates.push_back(gate);
  EXPECT_THAT(write("github", report),
              HasSubstr("::error title=mgate gate forward::the forward gate could not run: "
                        "PostgreSQL could not start: port 5432, in use\n"));
}

// --- gitlab -----------------------------------------------------------------------------

TEST(GitlabWriter, WritesCodeQualityIssues) {
  const auto issues = nlohmann::json::parse(write("gitlab", sample::small_report()));
  ASSERT_TRUE(issues.is_array());
  ASSERT_EQ(issues.size(), 3u);
  std::set<std::string> fingerprints;
  for (const auto& issue : issues) {
    for (const char* key : {"description", "check_name", "fingerprint", "severity", "location"}) {
      EXPECT_TRUE(issue.contains(key)) << key << " in " << issue.dump();
    }
    EXPECT_TRUE(issue["location"]["path"].is_string());
    EXPECT_GE(issue["location"]["lines"]["begin"].get<int>(), 1);
    fingerprints.insert(issue["fingerprint"].get<std::string>());
  }
  EXPECT_EQ(fingerprints.size(), 3u);
  EXPECT_EQ(issues[1]["check_name"], "require-concurrent-index");
  EXPECT_EQ(issues[1]["severity"], "critical");
  EXPECT_EQ(issues[1]["location"]["path"], "db/002_add_orders.up.sql");
  EXPECT_EQ(issues[1]["location"]["lines"]["begin"], 4);
  EXPECT_EQ(issues[0]["severity"], "info");
  EXPECT_EQ(issues[2]["severity"], "minor");
  EXPECT_EQ(issues[2]["location"]["path"], "db/002_add_orders.up.sql");  // its migration's file
}

TEST(GitlabWriter, FingerprintsSurviveLinesInsertedAbove) {
  Report moved = sample::small_report();
  moved.gates[1].findings[1].location->start.line += 10;
  moved.gates[1].findings[1].location->end.line += 10;
  const auto before = nlohmann::json::parse(write("gitlab", sample::small_report()));
  const auto after = nlohmann::json::parse(write("gitlab", moved));
  EXPECT_EQ(before[1]["fingerprint"], after[1]["fingerprint"]);
}

// --- junit ------------------------------------------------------------------------------

TEST(JunitWriter, OneTestcasePerMigrationAndGate) {
  const std::string xml = write("junit", sample::small_report());
  // 2 migrations and the set, 3 gates each.
  EXPECT_EQ(count(xml, "<testcase "), 9u);
  EXPECT_EQ(count(xml, "<testsuite "), 3u);
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"mgate\" tests=\"9\" failures=\"1\" "
                             "errors=\"0\" skipped=\"3\" time=\"0.015\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"migration 002 add_orders\" tests=\"3\" "
                             "failures=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"lint\" classname=\"mgate.002_add_orders\" "
                             "file=\"db/002_add_orders.up.sql\">\n      <failure "
                             "message=\"CREATE INDEX blocks writes to `orders` while the index "
                             "builds\" type=\"require-concurrent-index\">"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"no PostgreSQL server\"/>"));
  // A warning below --fail-on does not fail its case but is shown.
  EXPECT_THAT(xml, HasSubstr("<system-out>mgate: warning: migration 002 has no down migration "
                             "[missing-down]"));
}

TEST(JunitWriter, EscapesMarkupInAttributesAndText) {
  const std::string xml = write("junit", sample::evidence_report());
  EXPECT_THAT(xml, HasSubstr("message=\"ALTER TABLE held ACCESS EXCLUSIVE on `orders` for 2.5 s: "
                             "&lt;100%, a|b&gt;&#13;&#10;next\""));
  EXPECT_THAT(xml, HasSubstr("backfill in batches &amp; set NOT NULL"));
  EXPECT_THAT(xml, Not(HasSubstr("<100%")));
}

TEST(JunitWriter, AGateThatCouldNotRunIsAnErrorCase) {
  Report report = sample::small_report();
  report.gates[2].status = GateStatus::error;
  report.gates[2].skip_reason = "PostgreSQL could not start";
  const std::string xml = write("junit", report);
  EXPECT_EQ(count(xml, "<error message=\"PostgreSQL could not start\" type=\"gate-error\"/>"), 3u);
}

// --- markdown ---------------------------------------------------------------------------

TEST(MarkdownWriter, VerdictThenATableOfMigrationsByGate) {
  const std::string md = write("markdown", sample::small_report());
  EXPECT_TRUE(
      md.starts_with("## mgate: ❌ FAIL\n\n1 error, 1 warning, 1 note in 2 gated "
                     "migrations.\n"));
  EXPECT_THAT(md,
              HasSubstr("| migration | naming | lint | rollback |\n|---|---|---|---|\n"
                        "| `001` créer users | ✅ pass | ✅ pass (1 finding) | ⏭️ skip |\n"
                        "| `002` add_orders | ✅ pass (1 finding) | ❌ fail (1 finding) | "
                        "⏭️ skip |\n"));
  EXPECT_THAT(md, HasSubstr("#### Migration `002` add_orders\n\n- **error** "
                            "`db/002_add_orders.up.sql:4:1` CREATE INDEX blocks writes to "
                            "`orders` while the index builds (`require-concurrent-index`)\n"));
  EXPECT_THAT(md, HasSubstr("| rollback | ⏭️ skip | 0 ms | no PostgreSQL server |"));
}

TEST(MarkdownWriter, EvidenceIsFoldedAndEscaped) {
  const std::string md = write("markdown", sample::evidence_report());
  EXPECT_THAT(md, HasSubstr("ALTER TABLE held ACCESS EXCLUSIVE on `orders` for 2.5 s: "
                            "&lt;100%, a\\|b&gt;<br>next"));
  EXPECT_THAT(md, HasSubstr("  <details><summary>Evidence</summary>\n\n| key | value |\n"
                            "|---|---|\n| lock_timeout | null |\n| rewritten | true |\n"));
  // Evidence is a JSON object: its keys come in sorted order.
  EXPECT_THAT(md, HasSubstr("**locks**\n\n| held_ms | mode | relation |\n|---|---|---|\n"
                            "| 2500 | AccessExclusiveLock | orders |\n"
                            "|  | ShareLock | orders_pkey |\n"));
  EXPECT_THAT(md,
              HasSubstr("| series | n | min | median | mean | max |\n|---|---|---|---|---|---|\n"
                        "| blocked_ms | 4 | 1.5 | 2.5 | 11.688 | 40.25 |\n"));
  EXPECT_THAT(md, HasSubstr("<tr><td><pre>Index Scan using orders_pkey on orders</pre></td>"
                            "<td><pre>Seq Scan on orders\n  Filter: (id = 1)</pre></td></tr>"));
  EXPECT_EQ(count(md, "<details>"), count(md, "</details>"));
}

// --- html -------------------------------------------------------------------------------

TEST(HtmlWriter, IsOneSelfContainedDocumentWithTheVerdictFirst) {
  const std::string html = write("html", sample::evidence_report());
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
  // Nothing is loaded from elsewhere: no scripts, and every src/href is inline or local.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  const std::regex reference(R"re((?:src|href)\s*=\s*"([^"]*)")re");
  for (std::sregex_iterator it(html.begin(), html.end(), reference), end; it != end; ++it) {
    const std::string target = (*it)[1];
    EXPECT_TRUE(target.starts_with("data:") || target.starts_with("#")) << target;
  }
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  const auto verdict = html.find("id=\"verdict\"");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, html.find("id=\"timeline\""));
  EXPECT_LT(html.find("id=\"timeline\""), html.find("id=\"findings\""));
  EXPECT_THAT(html, HasSubstr("<span class=\"fail-word\">FAIL</span>"));
}

TEST(HtmlWriter, TimelineHasADotPerMigrationAndGate) {
  const std::string html = write("html", sample::evidence_report());
  const auto start = html.find("id=\"timeline\"");
  const auto end = html.find("</section>", start);
  const std::string timeline = html.substr(start, end - start);
  EXPECT_EQ(count(timeline, "<circle cx="), 2u * 4u + 4u);  // 2 migrations x 4 gates + legend
  EXPECT_THAT(timeline, HasSubstr("<title>locks: fail (1 finding)</title>"));
}

TEST(HtmlWriter, EvidenceTablesSideBySidePlansAndAChart) {
  const std::string html = write("html", sample::evidence_report());
  EXPECT_THAT(html, HasSubstr("<h4>locks</h4>\n<table><tr><th>held_ms</th><th>mode</th>"
                              "<th>relation</th></tr>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"side\"><div><b>before</b><pre>Index Scan using "
                              "orders_pkey on orders</pre></div><div><b>after</b><pre>Seq Scan"));
  EXPECT_THAT(html, HasSubstr("<h4>blocked_ms</h4>\n<svg"));
  EXPECT_THAT(html, HasSubstr("n=4 min=1.5 median=2.5 mean=11.688 max=40.25"));
  EXPECT_THAT(html, HasSubstr("&lt;100%, a|b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<100%")));
}

TEST(HtmlWriter, InvalidUtf8BecomesAReplacementCharacter) {
  Report report = sample::small_report();
  report.gates[1].findings[0].message = "latin-1 caf\xe9";
  EXPECT_THAT(write("html", report), HasSubstr("latin-1 caf\xEF\xBF\xBD"));
}

}  // namespace
}  // namespace mgate

namespace mgate {
namespace {

// A migration before --since is context: it appears only when a finding names it, and then
// its other gates are skipped, not passed.
TEST(Outcomes, ContextMigrationsAppearOnlyWhenAFindingNamesThem) {
  Report report = sample::small_report();
  report.migrations[0].gated = false;  // 001 carries a lint note
  report.migrations.push_back({"003", "quiet", "db/003_quiet.up.sql", "", false});
  const std::string md = write("markdown", report);
  EXPECT_THAT(md, HasSubstr("in 1 gated migration.\n"));
  EXPECT_THAT(
      md, HasSubstr("| `001` créer users | ⏭️ skip | ✅ pass (1 finding) | ⏭️ skip |\n"));
  EXPECT_THAT(md, Not(HasSubstr("`003`")));
  EXPECT_THAT(write("junit", report),
              HasSubstr("<skipped message=\"not gated: the migration is older than the --since "
                        "base\"/>"));
}

}  // namespace
}  // namespace mgate

namespace mgate {
namespace {

// small_report() with what the dynamic gates measured on its CREATE INDEX.
Report measured_report() {
  Report report = sample::small_report();
  report.gates[1].findings[1].measured =
      "SHARE on public.orders for 848 ms at 2,000,000 fixture rows; 4 writes waited up to 851 ms";
  return report;
}

using ::testing::AllOf;

constexpr std::string_view kMeasured =
    "SHARE on public.orders for 848 ms at 2,000,000 fixture rows; 4 writes waited up to 851 ms";

// --- code spans ---------------------------------------------------------------------------

std::vector<std::pair<std::string, bool>> pieces(std::string_view text) {
  std::vector<std::pair<std::string, bool>> all;
  for (const TextPiece& p : code_spans(text)) all.emplace_back(std::string(p.text), p.code);
  return all;
}

TEST(CodeSpans, FindsSpansAsCommonMarkDoes) {
  using P = std::vector<std::pair<std::string, bool>>;
  EXPECT_EQ(pieces("add `-- mgate:ignore x -- <why>` before"),
            (P{{"add ", false}, {"-- mgate:ignore x -- <why>", true}, {" before", false}}));
  EXPECT_EQ(pieces("``a ` b`` c"), (P{{"a ` b", true}, {" c", false}}));
  EXPECT_EQ(pieces("one ` unclosed"), (P{{"one ` unclosed", false}}));
  EXPECT_EQ(pieces("``x` y"), (P{{"``x` y", false}}));  // no run of two closes it
  EXPECT_EQ(pieces("`a``b`"), (P{{"a``b", true}}));
  EXPECT_EQ(pieces(""), P{});
}

// --- measured, in every writer ------------------------------------------------------------

TEST(Measured, GithubAppendsItToTheAnnotation) {
  EXPECT_THAT(write("github", measured_report()),
              HasSubstr("while the index builds%0Ameasured: " + std::string(kMeasured) +
                        "%0Ahelp: build it"));
}

TEST(Measured, GitlabAppendsItToTheDescription) {
  const auto issues = nlohmann::json::parse(write("gitlab", measured_report()));
  EXPECT_EQ(issues[1]["description"],
            "CREATE INDEX blocks writes to `orders` while the index builds (measured: " +
                std::string(kMeasured) + ") (help: build it with CREATE INDEX CONCURRENTLY)");
}

TEST(Measured, JunitListsItUnderTheFinding) {
  EXPECT_THAT(write("junit", measured_report()),
              HasSubstr("[require-concurrent-index]\n  measured: " + std::string(kMeasured) +
                        "\n  help: build it"));
}

TEST(Measured, MarkdownShowsAMeasuredLine) {
  EXPECT_THAT(write("markdown", measured_report()),
              HasSubstr("(`require-concurrent-index`)\n  <br>measured: " + std::string(kMeasured) +
                        "\n  <br>help: build it"));
}

TEST(Measured, HtmlShowsItWithTheFindingAndInTheVerdictTable) {
  const std::string html = write("html", measured_report());
  const std::string line =
      "<p class=\"measured\"><b>measured:</b> " + std::string(kMeasured) + "</p>";
  EXPECT_EQ(count(html, line), 2u);
}

// --- markdown escaping ----------------------------------------------------------------------

// GitHub shows a code span literally: an entity inside one would show as "&lt;why&gt;".
TEST(MarkdownWriter, CodeSpansKeepTheirTextAndTheRestIsEscaped) {
  Report report = sample::small_report();
  Finding& f = report.gates[1].findings[1];
  f.message = "UPDATE without WHERE on `a|b` rewrites <all> rows & more";
  f.help = "add a WHERE, or `-- mgate:ignore update-without-where -- <why>` & ``x ` y``";
  const std::string md = write("markdown", report);
  EXPECT_THAT(md, HasSubstr("UPDATE without WHERE on `a|b` rewrites &lt;all&gt; rows &amp; more"));
  EXPECT_THAT(md, HasSubstr("<br>help: add a WHERE, or `-- mgate:ignore update-without-where -- "
                            "<why>` &amp; ``x ` y``\n"));
}

TEST(MarkdownWriter, AStrayBacktickIsTextNotTheStartOfACodeSpan) {
  Report report = sample::small_report();
  report.gates[1].findings[1].message = "a ` b <c>";
  EXPECT_THAT(write("markdown", report), HasSubstr("a \\` b &lt;c&gt;"));
}

TEST(MarkdownWriter, APipeInACodeSpanIsEscapedOnlyInATable) {
  Report report = sample::small_report();
  report.migrations[1].version = "0|2";
  for (auto& gate : report.gates) {
    for (auto& f : gate.findings) {
      if (f.migration == "002") f.migration = "0|2";
    }
  }
  const std::string md = write("markdown", report);
  EXPECT_THAT(md, HasSubstr("| `0\\|2` add_orders |"));
  EXPECT_THAT(md, HasSubstr("#### Migration `0|2` add_orders"));
}

TEST(MarkdownWriter, FooterNamesTheCommitAndTheBase) {
  EXPECT_THAT(write("markdown", sample::demo_report()),
              HasSubstr("PostgreSQL 15.10 (local) · commit `4f2a9c1e07b3` · since `origin/main`"));
}

// --- html ---------------------------------------------------------------------------------

TEST(HtmlWriter, BacktickedNamesAreCode) {
  const std::string html = write("html", sample::demo_report());
  EXPECT_THAT(html, HasSubstr("RENAME COLUMN <code>products.title</code> TO <code>name</code>"));
  EXPECT_THAT(html, HasSubstr("<code>-- mgate:ignore require-concurrent-index -- "
                              "&lt;why&gt;</code>"));
  EXPECT_THAT(html, Not(HasSubstr("`")));
}

TEST(HtmlWriter, AFixShowsTheWholeLineBeforeAndAfter) {
  const std::string html = write("html", sample::demo_report());
  EXPECT_THAT(html, HasSubstr("<div class=\"diff\"><pre class=\"del\">- ALTER TABLE payments ADD "
                              "CONSTRAINT payments_user_id_fkey FOREIGN KEY (user_id) REFERENCES "
                              "users (id);</pre><pre class=\"ins\">+ ALTER TABLE payments ADD "
                              "CONSTRAINT payments_user_id_fkey FOREIGN KEY (user_id) REFERENCES "
                              "users (id) NOT VALID;</pre></div>"));
}

TEST(HtmlWriter, WithoutTheLinesAFixShowsTheEditAlone) {
  const std::string html = write("html", sample::small_report());
  EXPECT_THAT(html, HasSubstr("<pre class=\"del\">- CREATE INDEX</pre><pre class=\"ins\">+ "
                              "CREATE INDEX CONCURRENTLY</pre>"));
}

TEST(HtmlWriter, HeaderNamesRepositoryCommitBaseAndTime) {
  const std::string html = write("html", sample::demo_report());
  const auto header =
      html.substr(html.find("<header"), html.find("</header>") - html.find("<header"));
  EXPECT_THAT(header, HasSubstr("<dt>repository</dt><dd><code>/srv/shop</code></dd>"));
  EXPECT_THAT(header, HasSubstr("<dt>commit</dt><dd><code>4f2a9c1e07b3</code></dd>"));
  EXPECT_THAT(header, HasSubstr("<dt>since</dt><dd><code>origin/main</code></dd>"));
  EXPECT_THAT(header, HasSubstr("<dt>run at</dt><dd>2026-12-06T12:20:00Z</dd>"));
  // Facts the run does not know are left out, not shown empty.
  EXPECT_THAT(write("html", sample::small_report()), Not(HasSubstr("<dt>commit</dt>")));
}

TEST(HtmlWriter, LeadsWithTheVerdictPerMigrationInApplyOrder) {
  const std::string html = write("html", sample::demo_report());
  const auto table = html.find("id=\"migrations\"");
  ASSERT_NE(table, std::string::npos);
  EXPECT_LT(html.find("id=\"verdict\""), table);
  EXPECT_LT(table, html.find("id=\"timeline\""));
  const std::string rows = html.substr(table, html.find("</section>", table) - table);
  EXPECT_EQ(count(rows, "<tr><td><code>"), 13u);
  EXPECT_EQ(count(rows, "don’t ship"), 5u);  // 007 008 009 010 013
  EXPECT_THAT(html, HasSubstr("in 13 gated migrations. <b>5 of 13 must not ship.</b></div>"));
  EXPECT_LT(rows.find("<code>007</code>"), rows.find("<code>008</code>"));
  // 009: the error decides, not the warning beside it; its measured line and the rest counted.
  const std::string row009 = rows.substr(rows.find("<code>009</code>"));
  EXPECT_THAT(
      row009.substr(0, row009.find("</tr>")),
      AllOf(HasSubstr("<code>require-not-valid</code></a>"),
            HasSubstr("<b>measured:</b> SHARE ROW EXCLUSIVE"), HasSubstr("and 1 more finding")));
  EXPECT_THAT(rows, HasSubstr("<code>001</code> create_users</td><td><span class=\"badge "
                              "pass\">ship</span></td><td class=\"why\"><span class=\"muted\">no "
                              "findings</span>"));
}

TEST(HtmlWriter, AMigrationAGateCouldNotJudgeIsNotShownAsSafe) {
  Report report = sample::small_report();
  report.gates[2].status = GateStatus::error;
  report.gates[2].skip_reason = "PostgreSQL could not start";
  const std::string html = write("html", report);
  EXPECT_THAT(html, HasSubstr("<code>001</code> créer users</td><td><span class=\"badge "
                              "unjudged\">not judged</span>"));
  EXPECT_THAT(html, HasSubstr("<p>the rollback gate could not run: PostgreSQL could not "
                              "start</p></td></tr>"));
}

TEST(HtmlWriter, VerdictRowsLinkToTheFindingsDetails) {
  const std::string html = write("html", sample::demo_report());
  const std::regex link("href=\"#(finding-[0-9]+)\"");
  std::size_t links = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), link), end; it != end; ++it, ++links) {
    EXPECT_THAT(html, HasSubstr("id=\"" + (*it)[1].str() + "\"")) << (*it)[1];
  }
  EXPECT_EQ(links, 5u);
}

TEST(HtmlWriter, GateDurationsNeverWrapUnderTheirBars) {
  const std::string html = write("html", sample::demo_report());
  EXPECT_THAT(html, HasSubstr("td.duration{white-space:nowrap"));
  EXPECT_THAT(html, HasSubstr("<td class=\"duration\"><span class=\"bar\"><span "
                              "style=\"width:0.0%\"></span></span>0 ms</td>"));
  EXPECT_THAT(html, HasSubstr("style=\"width:100.0%\"></span></span>9875 ms</td>"));
}

// --- sarif and json ---------------------------------------------------------------------------

TEST(Measured, SarifAppendsItToTheMessageAndCarriesItAsAProperty) {
  const auto sarif = nlohmann::json::parse(write("sarif", measured_report()));
  const auto& result = sarif["runs"][0]["results"][1];
  EXPECT_EQ(result["message"]["text"],
            "CREATE INDEX blocks writes to `orders` while the index builds\nMeasured: " +
                std::string(kMeasured) + "\nbuild it with CREATE INDEX CONCURRENTLY");
  EXPECT_EQ(result["properties"]["measured"], kMeasured);
  EXPECT_FALSE(sarif["runs"][0]["results"][0]["properties"].contains("measured"));
}

TEST(Measured, JsonHasAMeasuredFieldOnlyWhenSomethingWasMeasured) {
  const auto doc = nlohmann::json::parse(write("json", measured_report()));
  EXPECT_EQ(doc["findings"][1]["measured"], kMeasured);
  EXPECT_FALSE(doc["findings"][0].contains("measured"));
}

}  // namespace
}  // namespace mgate
