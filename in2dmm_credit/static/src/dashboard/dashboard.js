/** @odoo-module **/
import { Component, onWillStart, useState } from "@odoo/owl";
import { formatFloat } from "@web/core/utils/numbers";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * Credit-management dashboard: receivables position, aging, DSO, trend and the
 * work that needs doing. Every figure opens the records behind it.
 */
export class In2dmmDashboard extends Component {
    static template = "in2dmm_credit.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, filters: {}, loading: true });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("in2dmm.dashboard", "get_data", [
            this.state.filters,
        ]);
        this.state.loading = false;
    }

    money(amount) {
        const currency = this.state.data.currency;
        const value = formatFloat(amount, { digits: [false, 0] });
        return currency.position === "after"
            ? `${value} ${currency.symbol}`
            : `${currency.symbol} ${value}`;
    }

    num(value) {
        return value === null || value === undefined
            ? "–"
            : formatFloat(value, { digits: [false, 1] });
    }

    get maxBucket() {
        return Math.max(1, ...this.state.data.buckets.map((b) => Math.abs(b.amount)));
    }

    get maxTrend() {
        return Math.max(1, ...this.state.data.trend.map((t) => Math.abs(t.overdue)));
    }

    onFilter(name, ev) {
        const value = ev.target.value;
        if (value) {
            this.state.filters[name] = parseInt(value);
        } else {
            delete this.state.filters[name];
        }
        this.load();
    }

    async openBucket(bucket) {
        const action = await this.orm.call("in2dmm.dashboard", "open_receivables", [
            this.state.filters,
            bucket,
        ]);
        this.action.doAction(action);
    }

    async exportAging() {
        const action = await this.orm.call("in2dmm.dashboard", "export_aging", [
            this.state.filters,
        ]);
        this.action.doAction(action);
    }

    async openItem(item) {
        const action = await this.action.loadAction(item.action.xmlid);
        this.action.doAction({
            ...action,
            domain: item.action.domain,
            context: {},
            name: item.label,
        });
    }
}

registry.category("actions").add("in2dmm_credit.dashboard", In2dmmDashboard);
