// SPDX-License-Identifier: MIT
// A C++11 program that uses the public header as any C++ caller would: the
// header must compile under -std=c++11 -pedantic -Werror, its declarations must
// get C linkage (extern "C"), and the shared library must parse and classify a
// real reply when called from C++.
#include "smtpreply.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

static_assert(sizeof(smtpreply_parser) == SMTPREPLY_PARSER_SIZE,
              "the parser keeps its documented size in C++ too");

namespace {

int failures = 0;

void expect(bool ok, const std::string &what)
{
    if (!ok) {
        std::fprintf(stderr, "FAIL: %s\n", what.c_str());
        ++failures;
    }
}

// Gmail's answer to RCPT TO for an address that does not exist.
const char gmail_550[] =
    "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
    "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
    "550-5.1.1 unnecessary spaces. For more information, go to\r\n"
    "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170902 - gsmtp\r\n";

} // namespace

int main()
{
    expect(std::string(smtpreply_version()) == SMTPREPLY_VERSION_STRING,
           "library version matches the header");

    // Parser state in memory the C++ side owns, as a binding would allocate it.
    std::vector<unsigned char> storage(smtpreply_parser_size() + 8);
    void *raw = storage.data();
    std::uintptr_t misalign = reinterpret_cast<std::uintptr_t>(raw) % 8;
    smtpreply_parser *p = reinterpret_cast<smtpreply_parser *>(
        storage.data() + (misalign ? 8 - misalign : 0));
    std::vector<char> text(4096);
    expect(smtpreply_parser_init(p, text.data(), text.size()) == SMTPREPLY_OK, "init");

    smtpreply_reply reply;
    std::size_t used = 0;
    const std::size_t len = sizeof gmail_550 - 1;
    int rc = smtpreply_parser_feed(p, gmail_550, len, &used, &reply);
    expect(rc == SMTPREPLY_REPLY, std::string("feed returns a reply, got ") +
                                      smtpreply_status_name(rc));
    expect(used == len, "the whole reply is consumed");
    expect(reply.code == 550, "code 550");
    expect(std::strcmp(reply.enhanced_text, "5.1.1") == 0, "enhanced code 5.1.1");
    expect(reply.line_count == 4, "four lines");

    std::vector<std::string> lines;
    std::size_t pos = 0;
    const char *t = nullptr;
    std::size_t n = 0;
    while (smtpreply_reply_line(&reply, &pos, &t, &n))
        lines.push_back(std::string(t, n));
    expect(lines.size() == 4, "four lines through smtpreply_reply_line");
    expect(!lines.empty() && lines[0].compare(0, 17, "The email account") == 0,
           "enhanced code removed from the first line's text");

    smtpreply_verdict v;
    expect(smtpreply_classify(&reply, SMTPREPLY_CMD_RCPT, &v) == SMTPREPLY_OK, "classify");
    expect(v.severity == SMTPREPLY_SEV_PERMANENT_NEGATIVE, "permanent-negative");
    expect(v.reason == SMTPREPLY_REASON_RECIPIENT_UNKNOWN,
           std::string("recipient-unknown, got ") + smtpreply_reason_name(v.reason));
    expect(v.bounce == SMTPREPLY_BOUNCE_HARD, "hard bounce");
    expect(v.retry == SMTPREPLY_RETRY_NEVER, "never retry");

    std::printf("%u %s %s %s %s\n", unsigned(reply.code), reply.enhanced_text,
                smtpreply_reason_name(v.reason), smtpreply_bounce_name(v.bounce),
                smtpreply_retry_name(v.retry));
    return failures == 0 ? 0 : 1;
}
