"""The site's pages declare their permissions in the views (the home page needs a login); here only the
system's job of loading the demo."""

SYSTEM_JOBS = {
    "demo": "演示数据",
}
