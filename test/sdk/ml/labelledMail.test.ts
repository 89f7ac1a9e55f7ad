import { expect } from "chai";
import { InvalidInputError, MalformedLabelledMailError } from "../../../sdk/src";
import { formatLabelled, mailBody, parseLabelled, spamBit } from "../../../sdk/src/ml";
import type { MailLabel } from "../../../sdk/src/ml";

const MAIL = "From: a@example.org\r\nSubject: hi\r\n\r\nLunch at noon?\n";

describe("Labelled mail", function () {
  it("writes the label line, a blank line, then the mail unchanged, and reads it back", function () {
    const text = formatLabelled({ label: "spam", mail: MAIL });
    expect(text).to.equal(`Label: spam\n\n${MAIL}`);
    expect(parseLabelled(text)).to.deep.equal({ label: "spam", mail: MAIL });
    expect(parseLabelled(formatLabelled({ label: "ham", mail: "" }))).to.deep.equal({ label: "ham", mail: "" });
  });

  it("refuses a label that is neither spam nor ham when writing", function () {
    expect(() => formatLabelled({ label: "eggs" as MailLabel, mail: MAIL })).to.throw(InvalidInputError, /"eggs"/);
  });

  for (const [what, text, pattern] of [
    ["no label line", MAIL, /first line is "From: a@example.org/],
    ["another label", "Label: eggs\n\nmail", /"Label: eggs"/],
    ["a label in other case", "label: spam\n\nmail", /not "Label: spam" or "Label: ham"/],
    ["no blank line after the label", "Label: ham\nmail", /not followed by a blank line/],
    ["a CRLF label line", "Label: ham\r\n\r\nmail", /"Label: ham\\r"/],
  ] as const) {
    it(`refuses a contribution with ${what}`, function () {
      expect(() => parseLabelled(text)).to.throw(MalformedLabelledMailError, pattern);
    });
  }

  it("maps spam to 1 and ham to 0", function () {
    expect([spamBit("spam"), spamBit("ham")]).to.deep.equal([1, 0]);
  });

  it("cuts a mail's body after its header block, whatever its line ends", function () {
    expect(mailBody(MAIL)).to.equal("Lunch at noon?\n");
    expect(mailBody("Subject: x\n\nbody\n\nmore")).to.equal("body\n\nmore");
    expect(mailBody("no headers at all")).to.equal("no headers at all");
  });
});
