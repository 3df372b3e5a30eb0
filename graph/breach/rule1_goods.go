package breach

import (
	"slices"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const ruleGoods = "1. Goods: a transfer (gift, sale, shipment, smuggling or arms_transfer) INCLUDES a product " +
	"with an HS code or a category. Every such transfer in the date range is either a finding or listed under " +
	"notAssessed with the reason: no date, no goods, unclassified goods, no measure in force that the goods fall under, " +
	"no party tied to a target on the side the measure bans, or no recipient and no route ending in a target."

// goodsKind reports whether a transfer moves goods (rule 1).
func goodsKind(t *model.Entity) bool {
	return slices.Contains(TransferKinds(), t.Properties.First("transferKind"))
}

// products keeps the goods that are products at the minimum status.
func (a *assessor) products(in []model.Link) []model.Link {
	var out []model.Link
	for _, l := range a.links(in) {
		if l.Other.Kind == schema.Product {
			out = append(out, l)
		}
	}
	return out
}

// classified reports whether any of the goods has an HS code or a category.
func classified(goods []model.Link) bool {
	return slices.ContainsFunc(goods, func(l model.Link) bool {
		return l.Other.Properties.First("hsCode") != "" || len(l.Other.Properties["category"]) > 0
	})
}
