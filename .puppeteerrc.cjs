// pa11y (a devDependency, the accessibility tests) brings puppeteer, whose install step would
// download a Chrome build: the tests use Debian's /usr/bin/chromium instead (scripts/setup.sh --dev).
module.exports = { skipDownload: true };
